/**
 * One WGSL compute dispatch recorded into tfjs's webgpu backend's own command stream, with as many outputs as
 * the shader writes (tfjs's `runWebGPUProgram` has one). Outputs are fresh tensors; `inPlace` tensors are bound
 * read-write and updated where they lie (the optimiser's parameters and moments: a variable is a mutable holder,
 * and its CPU-side copy, if any, is dropped so that a later read sees the new values).
 *
 * The dispatch joins the backend's current compute pass and is submitted with it, under the same
 * WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE rule as tfjs's own programs, so ordering with tfjs's kernels is kept.
 */
import * as tf from '@tensorflow/tfjs-core';

type Info = tf.TensorInfo;

/** The parts of tfjs's WebGPUBackend a dispatch needs (some are private in its typings). */
interface WebgpuBackendInternals {
  device: GPUDevice;
  tensorMap: { get(dataId: object): { values: unknown; resource: unknown } };
  commandQueueOwnedIds: WeakSet<object>;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  makeTensorInfo(shape: number[], dtype: tf.DataType): Info;
  uploadToGPU(dataId: object): void;
  tensorToBinding(t: Info): GPUBindingResource;
  makeUniforms(u: { type: string; data: number[] }[]): GPUBindingResource;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

export interface Uniform {
  name: string;
  type: 'i32' | 'f32';
  value: number;
}

export interface Dispatch {
  /** Identifies the shader (with `body`, the pipeline cache key). */
  name: string;
  inputs: { name: string; tensor: Info; type?: 'f32' | 'i32' }[];
  outputs: { name: string; shape: number[] }[];
  inPlace?: { name: string; tensor: Info }[];
  uniforms: Uniform[];
  /** Invocations wanted: `idx` runs over [0, threads) (the body checks its own bound). */
  threads: number;
  /** WGSL placed in `fn main(idx: i32)`; a `WORKGROUP` constant (64) is defined. Helpers may go in `helpers`. */
  body: string;
  helpers?: string;
  /** Invocations per workgroup (default 64). */
  workgroup?: number;
}

const PIPELINES = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

function shaderOf(d: Dispatch, workgroup: number): string {
  const decls: string[] = [];
  let binding = 0;
  for (const x of d.inputs) decls.push(`@group(0) @binding(${binding++}) var<storage, read> ${x.name}: array<${x.type ?? 'f32'}>;`);
  for (const x of [...d.outputs, ...(d.inPlace ?? [])]) decls.push(`@group(0) @binding(${binding++}) var<storage, read_write> ${x.name}: array<f32>;`);
  const fields = d.uniforms.map((u) => `${u.name}: ${u.type},`).join(' ');
  decls.push(`struct Uniforms { ${fields} pad_: i32, };`, `@group(0) @binding(${binding}) var<uniform> u: Uniforms;`);
  // every binding used, so that the 'auto' layout keeps it whatever the body reads
  const uses = [...d.inputs, ...d.outputs, ...(d.inPlace ?? [])]
    .map((x) => `_ = arrayLength(&${x.name});`)
    .concat('_ = u.pad_;')
    .join(' ');
  return `${decls.join('\n')}
const WORKGROUP: i32 = ${workgroup};
${d.helpers ?? ''}
fn main(idx: i32) {
${d.body}
}
@compute @workgroup_size(${workgroup})
fn start_(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  ${uses}
  main(i32(gid.x + gid.y * groups.x * ${workgroup}u));
}`;
}

/** Records the dispatch; returns its outputs (fresh tensor infos, in `outputs` order). */
export function dispatch(backend: tf.KernelBackend, d: Dispatch): Info[] {
  const be = backend as unknown as WebgpuBackendInternals;
  const workgroup = d.workgroup ?? 64;
  const outputs = d.outputs.map((o) => be.makeTensorInfo(o.shape, 'float32'));
  const read = d.inputs.map((x) => x.tensor);
  const written = [...outputs, ...(d.inPlace ?? []).map((x) => x.tensor)];
  for (const t of [...read, ...written]) be.uploadToGPU(t.dataId);
  for (const x of d.inPlace ?? []) be.tensorMap.get(x.tensor.dataId).values = null; // the GPU copy is the truth now

  const key = `${d.name}|${workgroup}|${d.inputs.map((x) => x.type ?? 'f32').join(',')}|${d.body}`;
  const cache = PIPELINES.get(be.device) ?? new Map<string, GPUComputePipeline>();
  PIPELINES.set(be.device, cache);
  let pipeline = cache.get(key);
  if (!pipeline) {
    const module = be.device.createShaderModule({ code: shaderOf(d, workgroup), label: d.name });
    pipeline = be.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'start_' }, label: d.name });
    cache.set(key, pipeline);
  }
  const uniforms = be.makeUniforms([
    ...d.uniforms.map((u) => ({ type: u.type === 'i32' ? 'int32' : 'float32', data: [u.value] })),
    { type: 'int32', data: [0] },
  ]);
  const resources = [...read, ...written].map((t) => be.tensorToBinding(t));
  const bindGroup = be.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...resources, uniforms].map((resource, binding) => ({ binding, resource })),
  });
  for (const t of [...read, ...written]) be.commandQueueOwnedIds.add(t.dataId);

  const groups = Math.max(1, Math.ceil(d.threads / workgroup));
  const x = Math.min(groups, 65535);
  be.ensureCommandEncoderReady();
  be.computePassEncoder ??= (be.commandEncoder as GPUCommandEncoder).beginComputePass({});
  be.computePassEncoder.setPipeline(pipeline);
  be.computePassEncoder.setBindGroup(0, bindGroup);
  be.computePassEncoder.dispatchWorkgroups(x, Math.ceil(groups / x), 1);
  be.dispatchCountInPass++;
  if ((tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) <= be.dispatchCountInPass) {
    be.endComputePassEncoder();
    be.submitQueue();
  }
  return outputs;
}

// AssemblyScript entry point (compiled by build.ts): the kernels the module exports.
export { sgemm, sgemmStrided } from './gemm';
export { colSum, gelu, geluGrad, layerNorm, layerNormGrad, sumSquares } from './nn';
export { adamw, attention, attentionGrad, crossEntropy, embed, embedGrad } from './seq';

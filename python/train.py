#!/usr/bin/env python3
"""CoT Playground in PyTorch: the experiment of an exported link, on a CPU, one GPU or many.

    python train.py [--steps N] [--device cpu|cuda] [--json FILE] [--init FILE]
    torchrun --nproc_per_node=N train.py [...]          # DistributedDataParallel, one process per GPU

`npm run export -- '<link>' --out DIR` (or "Export for PyTorch" in the playground) writes this file next to
the experiment it trains: data.json (the dataset, token ids, the `--dump-data` format of the CLI) and
config.json (the link's parameters). Both arms train on exactly that data, so the dataset is identical to
the browser's by construction, whatever the task (the knowledge graph, parity, ...): data.json says which
tokens are prompt, what each arm's target and each query's answer are, and which split is the headline one,
so nothing here knows a task. Everything else is this file, written to do what the playground's engine does:

- the model (src/model/gpt.ts): a pre-LN GPT; token + learned position embeddings (as many positions as the
  dataset's contextLength, tokens as its vocabulary); per block LN → causal
  multi-head attention → residual, LN → MLP (GELU, tanh form) → residual; final LN; the unembedding tied to
  the token embedding. Weights start from N(0, 0.02), the two residual projections of each block from
  N(0, 0.02 / sqrt(2 · layers)); biases 0, layer-norm gains 1. Weights are stored [in, out] (x @ w + b) and
  named as in gpt.ts, so that `--init` loads the playground's own initial weights by name;
- the optimiser (src/train/adamw.ts): AdamW (0.9, 0.999, eps 1e-8), decoupled weight decay on matrices and
  embeddings only, global gradient-norm clipping before the update;
- the schedule (src/train/arm.ts): linear warm-up to lr, then constant or cosine decay to 10% of lr at the
  last step;
- the batches (src/train/batches.ts): the same seeded shuffle of the whole training set once per epoch (the
  same random numbers: seedrandom's Alea, re-implemented below), the last incomplete batch of an epoch skipped;
  the loss is the mean cross-entropy over the continuation tokens (after each sequence's promptLength, </a>
  included);
- the evaluation (src/train/evaluate.ts, src/experiment/evalSchedule.ts): greedy generation, exact match and
  answer-only accuracy (the answer span before the first </a>) on every split of the dataset, keyed by split id,
  and the CoT arm's step accuracy (its first intermediate result right) on the headline split, at step 0, every
  evalEvery steps, at the last step, and (evalEarly=on) at steps 10, 20, 40, ... on 100 queries per split;
- the report: the CLI's `--json` format (cli/README.md), history and all, rewritten after every evaluation;
  the playground's runs panel imports it and `npm run summarize` reads it.

What differs: the random numbers of the initial weights and of dropout (PyTorch's own generator; `--init`
takes the playground's initial weights), float rounding, and on GPUs bf16 autocast (`--precision`).
Dropout masks differ between one process and several. Needs PyTorch >= 1.13 and nothing else.
"""
import argparse
import base64
import json
import math
import os
import sys
import time
from array import array
from contextlib import nullcontext

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

ARMS = ('cot', 'direct')
ROLES = ('headline', 'prerequisite', 'train', 'test')
EXPORT_FORMAT = 'cot-playground-export'
EXPORT_VERSION = 2  # 2: the task-neutral data.json (src/export/bundle.ts)
WEIGHTS_FORMAT = 'cot-playground-weights'
REPORT_VERSION = 1

# The fixed parts of the recipe, as in the playground's sources (named in the module docstring).
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8
INIT_STD = 0.02
LAYER_NORM_EPS = 1e-5
MASK_VALUE = -1e9  # added above the diagonal of the attention scores
EVAL_BATCH = 512
EARLY_EVAL_SAMPLE = 100
FIRST_EARLY_STEP = 10
MAX_STEPS = 1_000_000
LOSS_READBACK_EVERY = 10  # steps between readbacks of the losses (src/train/experimentLoop.ts)

# The link keys this script implements beyond the data's (config.json's dataKeys: data.json holds what they
# generated); `backend` only says where the playground computes. A key not listed here nor a data key (a newer
# playground's, the RL stage's) must keep its default.
IMPLEMENTED_KEYS = (
    'layers', 'heads', 'dModel', 'mlpRatio', 'dropout',
    'lr', 'warmup', 'lrSchedule', 'weightDecay', 'batch', 'steps', 'evalEvery', 'evalEarly', 'clip',
    'arms', 'backend',
)


class InputError(Exception):
    """A bad argument or a bad input file: one line for the user, exit code 2."""


# ---------------------------------------------------------------------------------------------- the export
def read_json(path, what):
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except FileNotFoundError:
        raise InputError(f'{what} {path}: no such file')
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f'{what} {path}: cannot be read ({e})')
    except json.JSONDecodeError as e:
        raise InputError(f'{what} {path}: not JSON ({e.msg}, line {e.lineno})')


def need(cond, message):
    if not cond:
        raise InputError(message)


def is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


def is_number(x):
    return (isinstance(x, (int, float)) and not isinstance(x, bool)) and math.isfinite(x)


def check_export(meta, path):
    """config.json: the experiment's parameters as `npm run export` writes them (src/export/bundle.ts)."""
    need(isinstance(meta, dict) and meta.get('format') == EXPORT_FORMAT, f'{path}: not a CoT Playground export (no "format": "{EXPORT_FORMAT}")')
    version = meta.get('version')
    need(version == EXPORT_VERSION, f'{path}: export version {version!r}; this train.py reads version {EXPORT_VERSION} (use the train.py of the same export)')
    cfg, defaults = meta.get('config'), meta.get('defaults')
    need(isinstance(cfg, dict) and isinstance(defaults, dict), f'{path}: "config" and "defaults" must be objects')
    need(isinstance(meta.get('link'), str), f'{path}: "link" must be a string')
    dataset = meta.get('dataset')
    need(isinstance(dataset, dict) and isinstance(dataset.get('hash'), str) and isinstance(dataset.get('counts'), dict), f'{path}: "dataset" needs a hash and counts')
    need(all(is_int(n) and n >= 0 for n in dataset['counts'].values()), f'{path}: dataset.counts must be whole numbers >= 0')
    data_keys = meta.get('dataKeys')
    need(isinstance(data_keys, list) and all(isinstance(k, str) for k in data_keys), f'{path}: "dataKeys" must list the data\'s parameters')
    for key, value in cfg.items():
        if key not in IMPLEMENTED_KEYS and key not in data_keys and value != defaults.get(key):
            raise InputError(f'{path}: {key}={value!r} is not implemented by this train.py (only its default {defaults.get(key)!r} is)')
    # seed: the batch order and the initial weights; evalSize: the size of an early evaluation
    ints = {'seed': 0, 'evalSize': 1, 'layers': 1, 'heads': 1, 'dModel': 1, 'mlpRatio': 1,
            'warmup': 0, 'batch': 1, 'steps': 1, 'evalEvery': 1}
    for key, low in ints.items():
        need(is_int(cfg.get(key)) and cfg[key] >= low, f'{path}: config.{key} must be a whole number >= {low}, got {cfg.get(key)!r}')
    for key in ('dropout', 'lr', 'weightDecay', 'clip'):
        need(is_number(cfg.get(key)) and cfg[key] >= 0, f'{path}: config.{key} must be a number >= 0, got {cfg.get(key)!r}')
    need(cfg['dropout'] < 1, f'{path}: config.dropout must be below 1')
    need(cfg['dModel'] % cfg['heads'] == 0, f'{path}: config.heads ({cfg["heads"]}) must divide config.dModel ({cfg["dModel"]})')
    need(cfg.get('lrSchedule') in ('constant', 'cosine'), f'{path}: config.lrSchedule must be constant or cosine')
    need(cfg.get('evalEarly') in ('on', 'off'), f'{path}: config.evalEarly must be on or off')
    need(cfg.get('arms') in ('both', 'cot', 'direct'), f'{path}: config.arms must be both, cot or direct')
    return meta


def check_tokens(seq, size, exclude, what):
    need(isinstance(seq, list) and all(is_int(t) and 0 <= t < size and t not in exclude for t in seq),
         f'{what}: expected token ids in 0..{size - 1}' + (f' other than {sorted(exclude)}' if exclude else ''))


def check_data(data, path):
    """data.json: the `--dump-data` format (src/data/dump.ts), whatever the task. Returns what the model and the
    evaluation need of it: the vocabulary's size and special tokens, the context, the headline split."""
    need(isinstance(data, dict), f'{path}: expected a JSON object')
    need(isinstance(data.get('task'), str), f'{path}: "task" must name the task')
    vocab = data.get('vocab')
    need(isinstance(vocab, list) and len(vocab) >= 2 and all(isinstance(v, str) for v in vocab), f'{path}: "vocab" must list the token names')
    V = len(vocab)
    eos, pad, context = data.get('eos'), data.get('pad'), data.get('contextLength')
    need(is_int(eos) and is_int(pad) and 0 <= eos < V and 0 <= pad < V and eos != pad, f'{path}: "eos" and "pad" must be two token ids in 0..{V - 1}')
    need(is_int(context) and context >= 2, f'{path}: "contextLength" must be a whole number >= 2')
    train = data.get('train')
    need(isinstance(train, dict) and isinstance(train.get('promptLength'), dict), f'{path}: "train" must hold the cot and direct sequences and their prompt lengths')
    for arm in ARMS:
        seqs, prompts = train.get(arm), train['promptLength'].get(arm)
        need(isinstance(seqs, list) and len(seqs) > 0, f'{path}: train.{arm} must hold the training sequences')
        need(isinstance(prompts, list) and len(prompts) == len(seqs), f'{path}: train.promptLength.{arm} must hold one prompt length per sequence')
        for i, (s, p) in enumerate(zip(seqs, prompts)):
            check_tokens(s, V, {pad}, f'{path}: train.{arm}[{i}]')
            need(2 <= len(s) <= context, f'{path}: train.{arm}[{i}] has {len(s)} tokens (expected 2..{context}, the contextLength)')
            need(s[-1] == eos, f'{path}: train.{arm}[{i}] does not end with {vocab[eos]}')
            need(is_int(p) and 1 <= p < len(s), f'{path}: train.promptLength.{arm}[{i}] must be in 1..{len(s) - 1}')
    splits = data.get('splits')
    need(isinstance(splits, list) and splits and all(isinstance(sp, dict) for sp in splits), f'{path}: "splits" must list the evaluation splits')
    ids = [sp.get('id') for sp in splits]
    need(all(isinstance(i, str) and i for i in ids) and len(set(ids)) == len(ids), f'{path}: every split needs an id of its own')
    for sp in splits:
        where = f'{path}: split {sp["id"]}'
        need(isinstance(sp.get('label'), str) and sp.get('role') in ROLES, f'{where}: needs a label and a role ({", ".join(ROLES)})')
        items = sp.get('items')
        need(isinstance(items, list) and all(isinstance(it, dict) for it in items), f'{where}: "items" must list {{prompt, target, directTarget, answer}}')
        for i, it in enumerate(items):
            at = f'{where}, item {i}'
            check_tokens(it.get('prompt'), V, {eos, pad}, f'{at}: prompt')
            for key in ('target', 'directTarget', 'answer'):
                check_tokens(it.get(key), V, {pad}, f'{at}: {key}')
            need(len(it['prompt']) >= 1 and len(it['answer']) >= 1, f'{at}: empty prompt or answer')
            for key in ('target', 'directTarget'):
                need(len(it[key]) > len(it['answer']) and it[key][-1] == eos, f'{at}: {key} must end with the answer span and {vocab[eos]}')
                need(len(it['prompt']) + len(it[key]) - 1 <= context, f'{at}: prompt and {key} do not fit the model\'s {context} positions')
            need(all(len(it[k]) == len(items[0][k]) for k in ('prompt', 'target', 'directTarget', 'answer')), f'{at}: the queries of a split must have equal lengths')
    # as src/tasks/registry.ts headlineSplit: the split whose role is headline, else the last
    headline = next((sp['id'] for sp in splits if sp['role'] == 'headline'), ids[-1])
    return {'eos': eos, 'pad': pad, 'vocab_size': V, 'context': context, 'headline': headline}


def pack(seqs, prompt_lengths, pad):
    """Inputs tokens[0..L-2] padded, labels tokens[1..L-1] with -1 where no loss is taken (prompt, padding)."""
    width = max(len(s) for s in seqs) - 1
    inputs, labels = [], []
    for s, p in zip(seqs, prompt_lengths):
        tail = width - (len(s) - 1)
        inputs.append(s[:-1] + [pad] * tail)
        labels.append([-1] * (p - 1) + s[p:] + [-1] * tail)
    return torch.tensor(inputs, dtype=torch.long), torch.tensor(labels, dtype=torch.long)


# ---------------------------------------------------------------------------------------------- the batches
def to_uint32(x):
    return int(x) % 4294967296  # JavaScript's x >>> 0 for x >= 0


class Alea:
    """seedrandom's `alea` generator (Johannes Baagøe's Alea), number for number: JavaScript's numbers are
    doubles, and so are Python's floats, so the same operations give the same values."""

    def __init__(self, seed):
        n = 0xefc8249d

        def mash(data):
            nonlocal n
            for ch in data:  # UTF-16 code units in JavaScript; the seeds used here are ASCII
                n += ord(ch)
                h = 0.02519603282416938 * n
                n = to_uint32(h)
                h -= n
                h *= n
                n = to_uint32(h)
                h -= n
                n += h * 0x100000000
            return to_uint32(n) * 2.3283064365386963e-10

        self.c = 1
        self.s0, self.s1, self.s2 = mash(' '), mash(' '), mash(' ')
        self.s0 -= mash(seed)
        if self.s0 < 0:
            self.s0 += 1
        self.s1 -= mash(seed)
        if self.s1 < 0:
            self.s1 += 1
        self.s2 -= mash(seed)
        if self.s2 < 0:
            self.s2 += 1

    def __call__(self):
        t = 2091639 * self.s0 + self.c * 2.3283064365386963e-10
        self.s0, self.s1 = self.s1, self.s2
        self.c = int(t)
        self.s2 = t - self.c
        return self.s2


class BatchSampler:
    """src/train/batches.ts: shuffles the whole set once per epoch; same seed -> same order (for both arms)."""

    def __init__(self, count, batch, seed):
        self.count = count
        self.rows = min(batch, count)
        self.rng = Alea(f'cot-batches-{seed}')
        self.order = self.shuffle()
        self.pos = 0

    def shuffle(self):
        a = list(range(self.count))
        for i in range(len(a) - 1, 0, -1):
            j = math.floor(self.rng() * (i + 1))
            a[i], a[j] = a[j], a[i]
        return a

    def next(self):
        """The row indices of the next batch (the last rows of an epoch are skipped)."""
        if self.pos + self.rows > self.count:
            self.order = self.shuffle()
            self.pos = 0
        rows = self.order[self.pos:self.pos + self.rows]
        self.pos += self.rows
        return rows


# ---------------------------------------------------------------------------------------------- the model
class LayerNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.gain = nn.Parameter(torch.ones(d))
        self.bias = nn.Parameter(torch.zeros(d))

    def forward(self, x):
        return F.layer_norm(x, (x.shape[-1],), self.gain, self.bias, LAYER_NORM_EPS)


class Block(nn.Module):
    """Pre-LN: x + attention(ln1(x)), then x + mlp(ln2(x)). Weights [in, out], named as in gpt.ts."""

    def __init__(self, d, heads, hidden, dropout):
        super().__init__()
        self.heads = heads
        self.dropout = dropout
        self.ln1 = LayerNorm(d)
        self.wQKV = nn.Parameter(torch.empty(d, 3 * d))  # q | k | v, each `heads` heads of d / heads
        self.bQKV = nn.Parameter(torch.zeros(3 * d))
        self.wOut = nn.Parameter(torch.empty(d, d))
        self.bOut = nn.Parameter(torch.zeros(d))
        self.ln2 = LayerNorm(d)
        self.wUp = nn.Parameter(torch.empty(d, hidden))
        self.bUp = nn.Parameter(torch.zeros(hidden))
        self.wDown = nn.Parameter(torch.empty(hidden, d))
        self.bDown = nn.Parameter(torch.zeros(d))

    def drop(self, x):
        return F.dropout(x, self.dropout, self.training)

    def attention(self, x, mask):
        B, T, d = x.shape
        hd = d // self.heads
        q, k, v = (x @ self.wQKV + self.bQKV).split(d, dim=2)
        q, k, v = (t.view(B, T, self.heads, hd).transpose(1, 2) for t in (q, k, v))  # [B, heads, T, hd]
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hd)) + mask[:T, :T]
        weights = self.drop(F.softmax(scores.float(), dim=-1))
        z = (weights.to(v.dtype) @ v).transpose(1, 2).reshape(B, T, d)
        return self.drop(z @ self.wOut + self.bOut)

    def mlp(self, x):
        return self.drop(F.gelu(x @ self.wUp + self.bUp, approximate='tanh') @ self.wDown + self.bDown)

    def forward(self, x, mask):
        x = x + self.attention(self.ln1(x), mask)
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size, max_length, layers, heads, d_model, mlp_ratio, dropout):
        super().__init__()
        self.dropout = dropout
        self.tokenEmbedding = nn.Parameter(torch.empty(vocab_size, d_model))  # also the unembedding (tied)
        self.positionEmbedding = nn.Parameter(torch.empty(max_length, d_model))
        self.blocks = nn.ModuleList(Block(d_model, heads, mlp_ratio * d_model, dropout) for _ in range(layers))
        self.lnFinal = LayerNorm(d_model)
        causal = torch.triu(torch.ones(max_length, max_length, dtype=torch.bool), diagonal=1)
        self.register_buffer('mask', torch.zeros(max_length, max_length).masked_fill(causal, MASK_VALUE), persistent=False)

    def init_weights(self, seed):
        """GPT-2's scheme, in gpt.ts's order: N(0, 0.02); the residual projections N(0, 0.02 / sqrt(2 L))."""
        generator = torch.Generator().manual_seed(seed)
        residual_std = INIT_STD / math.sqrt(2 * len(self.blocks))
        with torch.no_grad():
            self.tokenEmbedding.normal_(0, INIT_STD, generator=generator)
            self.positionEmbedding.normal_(0, INIT_STD, generator=generator)
            for b in self.blocks:
                b.wQKV.normal_(0, INIT_STD, generator=generator)
                b.wOut.normal_(0, residual_std, generator=generator)
                b.wUp.normal_(0, INIT_STD, generator=generator)
                b.wDown.normal_(0, residual_std, generator=generator)

    def forward(self, tokens, last_only=False):
        """tokens [B, T] -> logits [B, T, V] (or [B, V] for the last position only)."""
        T = tokens.shape[1]
        x = F.dropout(self.tokenEmbedding[tokens] + self.positionEmbedding[:T], self.dropout, self.training)
        for block in self.blocks:
            x = block(x, self.mask)
        if last_only:
            x = x[:, -1]
        return self.lnFinal(x) @ self.tokenEmbedding.t()


def load_weights(model, path):
    """--init FILE: weights by name, as `npm run export -- LINK --out DIR --weights` writes them (init.json)."""
    f = read_json(path, '--init')
    need(isinstance(f, dict) and f.get('format') == WEIGHTS_FORMAT and f.get('version') == 1, f'--init {path}: not a CoT Playground weights file (format {WEIGHTS_FORMAT}, version 1)')
    params = f.get('params')
    need(isinstance(params, dict), f'--init {path}: "params" must be an object')
    own = dict(model.named_parameters())
    missing, extra = sorted(set(own) - set(params)), sorted(set(params) - set(own))
    need(not missing and not extra, f'--init {path}: the weights do not fit the model of config.json (missing {missing[:3]}, unexpected {extra[:3]})')
    with torch.no_grad():
        for name, p in own.items():
            entry = params[name]
            need(isinstance(entry, dict) and entry.get('shape') == list(p.shape), f'--init {path}: {name} has shape {entry.get("shape") if isinstance(entry, dict) else None}, the model {list(p.shape)}')
            try:
                raw = base64.b64decode(entry.get('data', ''), validate=True)
            except (ValueError, TypeError):
                raise InputError(f'--init {path}: {name}: "data" is not base64')
            need(len(raw) == 4 * p.numel(), f'--init {path}: {name} holds {len(raw)} bytes, expected {4 * p.numel()} (float32)')
            values = array('f')
            values.frombytes(raw)
            if sys.byteorder != 'little':
                values.byteswap()  # the file is little-endian float32
            p.copy_(torch.tensor(values, dtype=torch.float32).view(p.shape))


# ---------------------------------------------------------------------------------------------- training
def learning_rate(step, cfg):
    """Linear warm-up to lr, then constant or cosine decay to 10% of lr at the last step (src/train/arm.ts)."""
    lr, warmup, steps = cfg['lr'], cfg['warmup'], cfg['steps']
    if step < warmup:
        return lr * step / max(1, warmup)
    if cfg['lrSchedule'] == 'constant':
        return lr
    progress = min(1.0, (step - warmup) / max(1, steps - warmup))
    return lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def evaluation_at(step, cfg):
    """None, or the queries per split of an evaluation at `step` >= 1 (0: all of evalSize) (evalSchedule.ts)."""
    if step % cfg['evalEvery'] == 0 or step >= cfg['steps']:
        return 0
    if cfg['evalEarly'] == 'on':
        s = FIRST_EARLY_STEP
        while s < cfg['evalEvery'] / 2 and s < cfg['steps']:
            if s == step:
                return min(EARLY_EVAL_SAMPLE, cfg['evalSize'])
            s *= 2
    return None


class Run:
    """One arm: its model (the same initial weights for both arms), optimiser, batch stream and history."""

    def __init__(self, arm, cfg, data, tokens, env, init_path):
        self.arm, self.cfg, self.env, self.tokens = arm, cfg, env, tokens
        self.model = GPT(tokens['vocab_size'], tokens['context'], cfg['layers'], cfg['heads'], cfg['dModel'], cfg['mlpRatio'], cfg['dropout'])
        self.model.init_weights(cfg['seed'])
        if init_path:
            load_weights(self.model, init_path)
        self.model.to(env.device)
        self.ddp = DistributedDataParallel(self.model, device_ids=env.device_ids) if env.world > 1 else self.model
        decayed = [p for p in self.model.parameters() if p.dim() >= 2]
        plain = [p for p in self.model.parameters() if p.dim() < 2]
        groups = [{'params': decayed, 'weight_decay': cfg['weightDecay']}, {'params': plain, 'weight_decay': 0.0}]
        self.optimizer = torch.optim.AdamW(groups, lr=cfg['lr'], betas=ADAM_BETAS, eps=ADAM_EPS)
        self.inputs, self.labels = pack(data['train'][arm], data['train']['promptLength'][arm], tokens['pad'])
        self.sampler = BatchSampler(len(self.inputs), cfg['batch'], cfg['seed'])
        self.splits = data['splits']
        self.step = 0
        self.history = []
        self.pending = []  # this process's share of each step's loss, not yet read back
        self.since_eval = []  # the whole batch's loss at each step since the last evaluation
        self.stopped_at = None
        self.train_seconds = 0.0
        self.parameters = sum(p.numel() for p in self.model.parameters())

    def train_step(self):
        """One step on the whole batch; each process takes every world-th row and the gradients are averaged."""
        env = self.env
        t0 = time.perf_counter()
        self.step += 1
        rows = self.sampler.next()
        labels_all = self.labels[rows]
        count = max(1, int((labels_all >= 0).sum()))  # answer tokens in the whole batch
        mine = torch.tensor(rows[env.rank::env.world])
        x, y = self.inputs[mine].to(env.device), self.labels[mine].to(env.device)
        for group in self.optimizer.param_groups:
            group['lr'] = learning_rate(self.step, self.cfg)
        self.ddp.train()
        with env.autocast():
            logits = self.ddp(x)
        summed = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), y.reshape(-1), ignore_index=-1, reduction='sum')
        # DistributedDataParallel averages gradients over processes: scaled so that they are the whole batch's mean
        (summed * (env.world / count)).backward()
        if self.cfg['clip'] > 0:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg['clip'])
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.pending.append(summed.detach() / count)
        env.sync()
        self.train_seconds += time.perf_counter() - t0

    def read_losses(self):
        """Reads the pending losses back (one readback, summed over processes) into `since_eval`; an arm whose
        loss is not finite (NaN, infinity) stops there for good, as in the playground. Every process calls it."""
        if not self.pending:
            return
        values = torch.stack(self.pending)
        first_step = self.step - len(self.pending) + 1
        self.pending = []
        if self.env.world > 1:
            dist.all_reduce(values)
        values = values.cpu().tolist()
        self.since_eval += values
        bad = [i for i, v in enumerate(values) if not math.isfinite(v)]
        if bad and self.stopped_at is None:
            self.stopped_at = first_step + bad[0]
            if self.env.rank == 0:
                print(f'the {self.arm} arm stopped at step {self.stopped_at}: its training loss became {values[bad[0]]} (the model diverged)')

    @torch.no_grad()
    def evaluate(self, sample):
        """Greedy generation on every split (only the first `sample` queries of each when sample > 0): exact match
        and answer accuracy by split id, and on the CoT arm the headline split's step accuracy (else None)."""
        self.model.eval()
        cot = self.arm == 'cot'
        acc, answer_acc, step_acc = {}, {}, None
        for split in self.splits:
            sid = split['id']
            items = split['items'][:sample] if sample else split['items']
            if not items:
                acc[sid] = answer_acc[sid] = float('nan')
                continue
            targets = torch.tensor([it['target'] if cot else it['directTarget'] for it in items])
            answers = torch.tensor([it['answer'] for it in items])
            prompts = torch.tensor([it['prompt'] for it in items])
            generated = generate(self.model, prompts, targets.shape[1], self.env)
            exact, answer, first_step = score(generated, targets, answers, self.tokens['eos'])
            acc[sid], answer_acc[sid] = exact, answer
            if split['role'] == 'headline' and cot:
                step_acc = first_step
        return acc, answer_acc, step_acc


@torch.no_grad()
def generate(model, prompts, steps, env):
    """Greedily extends each prompt (all of equal length) by `steps` tokens: [N, steps]."""
    out = []
    for start in range(0, len(prompts), EVAL_BATCH):
        x = prompts[start:start + EVAL_BATCH].to(env.device)
        new = []
        for _ in range(steps):
            with env.autocast():
                logits = model(x, last_only=True)
            nxt = logits.float().argmax(dim=-1, keepdim=True)
            new.append(nxt)
            x = torch.cat([x, nxt], dim=1)
        out.append(torch.cat(new, dim=1).cpu())
    return torch.cat(out)


def score(generated, targets, answers, eos):
    """Exact match of the whole continuation; the answer (the answer span just before the first </a>, or in the
    answer's slots when there is none); the first intermediate result (None where the targets have none)."""
    n, L = targets.shape
    A = answers.shape[1]

    def share(right):  # counted exactly, divided in double precision, as in JavaScript
        return int(right.sum()) / n

    exact = share((generated == targets).all(dim=1))
    is_eos = generated == eos
    end = torch.where(is_eos.any(dim=1), is_eos.float().argmax(dim=1), torch.full((n,), L - 1))
    start = (end - A).clamp(min=0)
    span = generated.gather(1, start[:, None] + torch.arange(A)[None, :])
    answer = share((span == answers).all(dim=1))
    first_step = share(generated[:, 0] == targets[:, 0]) if L > A + 1 else None
    return exact, answer, first_step


# ---------------------------------------------------------------------------------------------- devices
class Env:
    """One process: its rank among `world`, its device, and how it computes (fp32, or bf16 autocast)."""

    def __init__(self, device_arg, precision):
        self.world = int(os.environ.get('WORLD_SIZE', '1'))
        self.rank = int(os.environ.get('RANK', '0'))
        local_rank = int(os.environ.get('LOCAL_RANK', '0'))
        want = device_arg if device_arg != 'auto' else ('cuda' if torch.cuda.is_available() else 'cpu')
        if want == 'cuda' and not torch.cuda.is_available():
            raise InputError('--device cuda: PyTorch sees no CUDA device here (use --device cpu)')
        if want == 'cuda':
            need(local_rank < torch.cuda.device_count(), f'process {local_rank} has no GPU of its own ({torch.cuda.device_count()} visible)')
            torch.cuda.set_device(local_rank)
            self.device = torch.device('cuda', local_rank)
            self.device_ids = [local_rank]
        else:
            self.device = torch.device('cpu')
            self.device_ids = None
        if precision == 'auto':
            precision = 'bf16' if want == 'cuda' and torch.cuda.is_bf16_supported() else 'fp32'
        if precision == 'bf16' and want == 'cuda' and not torch.cuda.is_bf16_supported():
            raise InputError('--precision bf16: this GPU does not support bfloat16 (use --precision fp32)')
        self.precision = precision
        self.kind = want
        if self.world > 1:
            dist.init_process_group('nccl' if want == 'cuda' else 'gloo')

    def autocast(self):
        if self.precision == 'bf16':
            return torch.autocast(device_type=self.kind, dtype=torch.bfloat16)
        return nullcontext()

    def sync(self):
        if self.kind == 'cuda':
            torch.cuda.synchronize(self.device)

    def barrier(self):
        if self.world > 1:
            dist.barrier()

    @property
    def name(self):
        """The report's `backend`: e.g. torch-cuda-bf16-x8."""
        return f'torch-{self.kind}-{self.precision}' + (f'-x{self.world}' if self.world > 1 else '')


# ---------------------------------------------------------------------------------------------- the report
def finite_or_none(x):
    """How reports are written: every NaN or infinity as null (src/runs/reportFormat.ts reportJson)."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: finite_or_none(v) for k, v in x.items()}
    if isinstance(x, list):
        return [finite_or_none(v) for v in x]
    return x


def link_with_steps(link, steps, defaults):
    """The export's canonical link with `steps` replaced (keys in the schema's order, like configToQuery)."""
    pairs = [p.split('=', 1) for p in link.split('&') if p and not p.startswith('steps=')]
    if steps != defaults.get('steps'):
        order = list(defaults)
        at = order.index('steps') if 'steps' in order else len(order)
        i = 0
        while i < len(pairs) and (pairs[i][0] == 'v' or (pairs[i][0] in order and order.index(pairs[i][0]) < at)):
            i += 1
        pairs.insert(i, ['steps', str(steps)])
    return '&'.join('='.join(p) for p in pairs)


def build_report(meta, cfg, runs, env, wall_seconds):
    arms = {}
    for r in runs:
        rate = r.step / r.train_seconds if r.train_seconds > 0 else 0.0
        arms[r.arm] = {'stepsPerSec': rate, 'history': r.history, 'final': r.history[-1] if r.history else None}
    return {
        'version': REPORT_VERSION,
        'link': link_with_steps(meta['link'], cfg['steps'], meta['defaults']),
        'config': cfg,
        'backend': env.name,
        'dataset': {'hash': meta['dataset']['hash'], 'counts': meta['dataset']['counts']},
        'arms': arms,
        'wallSeconds': round(wall_seconds, 1),
    }


def write_report(path, report):
    """Through a temporary file, so that a reader never sees half a report."""
    tmp = f'{path}.tmp-{os.getpid()}'
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(finite_or_none(report), f, indent=2, allow_nan=False)
        f.write('\n')
    os.replace(tmp, path)


def fmt(x):
    return '  -  ' if x is None or not math.isfinite(x) else f'{x:.3f}'


def accuracies(row, splits):
    return '  '.join(f'{s} {fmt(row["acc"][s])}' for s in splits)


def eval_line(arm, row, steps_per_sec, splits, headline):
    loss = '   -  ' if row['loss'] is None else f'{row["loss"]:.4f}'
    speed = f'  {steps_per_sec:.1f} steps/s' if steps_per_sec > 0 else ''
    return f'step {row["step"]:>6}  {arm:<6}  loss {loss}  {accuracies(row, splits)}  ({headline} answer {fmt(row["answerAcc"][headline])}){speed}'


# ---------------------------------------------------------------------------------------------- main
def parse_args(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description='Train the CoT and direct arms of an exported CoT Playground experiment.')
    p.add_argument('--export', default=here, metavar='DIR', help='the export folder holding config.json and data.json (default: the folder of train.py)')
    p.add_argument('--steps', type=int, metavar='N', help="train N steps per arm instead of config.json's steps (0: evaluate the initial weights only)")
    p.add_argument('--device', choices=('auto', 'cpu', 'cuda'), default='auto', help='auto (default): cuda when PyTorch sees a GPU, else cpu')
    p.add_argument('--precision', choices=('auto', 'fp32', 'bf16'), default='auto', help='auto (default): bf16 autocast on GPUs that have it, else fp32')
    p.add_argument('--json', metavar='FILE', help='the report (the CLI\'s --json format), rewritten after every evaluation (default: DIR/report.json)')
    p.add_argument('--init', metavar='FILE', help='initial weights by name (init.json from npm run export -- ... --weights) for both arms')
    p.add_argument('--quiet', action='store_true', help='no line per evaluation')
    a = p.parse_args(argv)
    if not os.path.isdir(a.export):
        p.error(f'--export {a.export}: no such folder (the folder npm run export wrote)')
    if a.steps is not None and not 0 <= a.steps <= MAX_STEPS:
        p.error(f'--steps must be in 0..{MAX_STEPS}, got {a.steps}')
    if a.json is None:
        a.json = os.path.join(a.export, 'report.json')
    folder = os.path.dirname(os.path.abspath(a.json))
    if not os.path.isdir(folder):
        p.error(f'--json {a.json}: directory {folder} does not exist')
    if os.path.isdir(a.json):
        p.error(f'--json {a.json}: is a directory')
    if a.init is not None and not os.path.isfile(a.init):
        p.error(f'--init {a.init}: no such file')
    return a


def main(argv):
    args = parse_args(argv)
    config_path, data_path = os.path.join(args.export, 'config.json'), os.path.join(args.export, 'data.json')
    meta = check_export(read_json(config_path, 'config'), config_path)
    cfg = dict(meta['config'])
    if args.steps:
        cfg['steps'] = args.steps
    env = Env(args.device, args.precision)
    lead = env.rank == 0
    say = print if lead else (lambda *a, **k: None)
    data = read_json(data_path, 'data')
    tokens = check_data(data, data_path)
    split_ids = [sp['id'] for sp in data['splits']]
    if cfg['batch'] < env.world:
        raise InputError(f'batch {cfg["batch"]} is smaller than the {env.world} processes')

    arms = list(ARMS) if cfg['arms'] == 'both' else [cfg['arms']]
    runs = [Run(arm, cfg, data, tokens, env, args.init) for arm in arms]
    torch.manual_seed(cfg['seed'] * 1000 + env.rank + 1)  # dropout masks: one stream per process
    counts = meta['dataset']['counts']
    say(f'experiment ?{link_with_steps(meta["link"], cfg["steps"], meta["defaults"])}')
    sizes = ', '.join(f'{sp["id"]} {counts.get(sp["id"], len(sp["items"]))}' for sp in data['splits'])
    say(f'dataset {meta["dataset"]["hash"]} ({data["task"]}): {len(data["train"]["cot"])} training sequences per arm; {sizes}; '
        f'vocabulary {tokens["vocab_size"]}, context {tokens["context"]}')
    say(f'model {cfg["layers"]} layers × d {cfg["dModel"]}, {cfg["heads"]} heads, {runs[0].parameters:,} parameters; '
        f'{env.name} ({env.world} process{"es" if env.world > 1 else ""}){"; initial weights from " + args.init if args.init else ""}')

    start = time.perf_counter()
    steps = cfg['steps'] if args.steps != 0 else 0

    def evaluate_all(sample):
        for r in runs:
            r.read_losses()
        if lead:
            for r in runs:
                if r.stopped_at is not None:
                    continue
                acc, answer_acc, step_acc = r.evaluate(sample)
                losses = r.since_eval
                row = {'step': r.step, 'loss': sum(losses) / len(losses) if losses else None}
                if sample:
                    row['sample'] = sample
                row.update({'acc': acc, 'answerAcc': answer_acc})
                if step_acc is not None:
                    row['stepAcc'] = step_acc
                r.history.append(finite_or_none(row))
                if not args.quiet:
                    rate = r.step / r.train_seconds if r.train_seconds > 0 else 0.0
                    print(eval_line(r.arm, r.history[-1], rate, split_ids, tokens['headline']), flush=True)
            write_report(args.json, build_report(meta, cfg, runs, env, time.perf_counter() - start))
        for r in runs:
            r.since_eval = []
        env.barrier()

    interrupted = False
    try:
        evaluate_all(0)
        for step in range(1, steps + 1):
            live = [r for r in runs if r.stopped_at is None]
            if not live:
                break
            for r in live:
                r.train_step()
            if step % LOSS_READBACK_EVERY == 0:
                for r in live:
                    r.read_losses()
            sample = evaluation_at(step, cfg)
            if sample is not None:
                evaluate_all(sample)
    except KeyboardInterrupt:
        interrupted = True
        if lead:
            write_report(args.json, build_report(meta, cfg, runs, env, time.perf_counter() - start))
    if lead:
        print(f'{"interrupted" if interrupted else "done"} at step {max(r.step for r in runs)} in {time.perf_counter() - start:.1f} s; report written to {args.json}')
        for r in runs:
            last = r.history[-1] if r.history else None
            if last:
                print(f'final  {r.arm:<6}  {accuracies(last, split_ids)}')
    if env.world > 1:
        dist.destroy_process_group()
    return 130 if interrupted else 0


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv[1:]))
    except InputError as e:
        print(f'error: {e}', file=sys.stderr)
        sys.exit(2)

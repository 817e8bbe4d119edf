"""PyTorch's training steps/s on the fixed benchmark shapes of `npm run bench` (bench/measurements.ts FIXED), with
python/train.py's own model and optimiser, on one CPU thread (or --device cuda): the same-run figure beside ours.

    python3 bench/pytorch_fixed.py --train-py python/train.py [--device cpu|cuda] [--seconds 2] [--reps 3]

Prints one JSON line: {"stepsPerSec", "samples", "torch", "threads", "device"}. Like fixedWorkload: random tokens,
loss on every position, AdamW (0.9, 0.999, 1e-8, decay 0.1 on matrices), gradient clip 1, lr 1e-3; 5 warm-up
steps, then the median of `reps` timed runs of at least `seconds` each (at most 500 steps), the loss read back
at the end of each.
"""
import argparse
import importlib.util
import json
import statistics
import sys
import time

FIXED = dict(vocab=252, d_model=64, layers=2, heads=4, seq=8, batch=64)


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument('--train-py', required=True)
    p.add_argument('--device', choices=('cpu', 'cuda'), default='cpu')
    p.add_argument('--seconds', type=float, default=2.0)
    p.add_argument('--reps', type=int, default=3)
    args = p.parse_args(argv)

    import torch
    import torch.nn.functional as F

    if args.device == 'cpu':
        torch.set_num_threads(1)
    spec = importlib.util.spec_from_file_location('cot_train', args.train_py)
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)

    device = torch.device(args.device)
    f = FIXED
    model = train.GPT(f['vocab'], f['seq'], f['layers'], f['heads'], f['d_model'], 4, 0.0)
    model.init_weights(0)
    model.to(device)
    model.train()
    decayed = [q for q in model.parameters() if q.dim() >= 2]
    plain = [q for q in model.parameters() if q.dim() < 2]
    groups = [{'params': decayed, 'weight_decay': 0.1}, {'params': plain, 'weight_decay': 0.0}]
    opt = torch.optim.AdamW(groups, lr=1e-3, betas=train.ADAM_BETAS, eps=train.ADAM_EPS)
    rows = 4096
    data = (torch.arange(rows * (f['seq'] + 1), dtype=torch.int64) * 2654435761 % f['vocab']).view(rows, f['seq'] + 1).to(device)
    position = [0]

    def step():
        j = (position[0] * f['batch']) % (rows - f['batch'])
        position[0] += 1
        batch = data[j:j + f['batch']]
        x, y = batch[:, :-1], batch[:, 1:]
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss.detach()

    for _ in range(5):
        step().item()
    samples = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        n = 0
        loss = None
        while n < 500 and (n == 0 or time.perf_counter() - t0 < args.seconds):
            loss = step()
            n += 1
        loss.item()
        samples.append(n / (time.perf_counter() - t0))
    print(json.dumps({
        'stepsPerSec': statistics.median(samples),
        'samples': samples,
        'torch': torch.__version__,
        'threads': torch.get_num_threads() if args.device == 'cpu' else None,
        'device': args.device,
    }))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

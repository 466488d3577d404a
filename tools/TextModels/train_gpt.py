#!/usr/bin/env python3
"""Trains the demo generative model on data/kjv.txt.gz and exports it to the model repository.

- ``kjv-gpt/1``: a character-level GPT (pre-LayerNorm decoder, learned positions) exported as a *step* graph with
  explicit per-layer key/value caches, so the server advances every active sequence by one or more tokens in one
  run: inputs ``input_ids`` [B,S], ``position_ids`` [B,S], ``attention_mask`` [B,P+S] (1 = attend) and
  ``past_key_{l}``/``past_value_{l}`` [B,H,P,Dh]; outputs ``logits`` [B,S,V] and ``new_key_{l}``/``new_value_{l}``
  [B,H,S,Dh] (the keys and values of this step's tokens only; the server writes them into its cache).

Runs on CPU with Debian's python3-torch (1.13) and python3-onnx; seeded, so reruns give the same weights on the
same machine and library versions (floating point order may differ elsewhere).

    python3 tools/TextModels/train_gpt.py --data data/kjv.txt.gz --out models [--steps 2500]
"""

import argparse
import datetime
import gzip
import hashlib
import json
import math
import os
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

LAYERS = 3
HEADS = 4
DIM = 128
CONTEXT = 256
TRAIN_WINDOW = 64
ATTENTION_WINDOW = 64  # each token attends to itself and the 63 before it, in training and in serving


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(DIM)
        self.qkv = nn.Linear(DIM, 3 * DIM)
        self.proj = nn.Linear(DIM, DIM)
        self.ln2 = nn.LayerNorm(DIM)
        self.fc = nn.Linear(DIM, 4 * DIM)
        self.out = nn.Linear(4 * DIM, DIM)

    def forward(self, x, past_k, past_v, allowed):
        b, s, _ = x.shape
        hd = DIM // HEADS
        q, k, v = self.qkv(self.ln1(x)).split(DIM, dim=2)
        q = q.view(b, s, HEADS, hd).transpose(1, 2)
        k = k.view(b, s, HEADS, hd).transpose(1, 2)
        v = v.view(b, s, HEADS, hd).transpose(1, 2)
        keys = torch.cat([past_k, k], dim=2)
        values = torch.cat([past_v, v], dim=2)
        scores = torch.matmul(q, keys.transpose(2, 3)) * (1.0 / math.sqrt(hd))
        scores = scores.masked_fill(~allowed, -1e9)
        attn = torch.softmax(scores, dim=-1)
        y = torch.matmul(attn, values).transpose(1, 2).reshape(b, s, DIM)
        x = x + self.proj(y)
        x = x + self.out(F.gelu(self.fc(self.ln2(x))))
        return x, k, v


class TinyGpt(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.tok = nn.Embedding(vocab, DIM)
        self.pos = nn.Embedding(CONTEXT, DIM)
        self.blocks = nn.ModuleList([Block() for _ in range(LAYERS)])
        self.ln = nn.LayerNorm(DIM)
        self.head = nn.Linear(DIM, vocab, bias=False)

    def hidden(self, input_ids, position_ids, attention_mask, past):
        s = input_ids.shape[1]
        p = past[0].shape[2]
        t = torch.arange(p + s, device=input_ids.device)
        rows = torch.arange(s, device=input_ids.device) + p
        back = rows.unsqueeze(1) - t.unsqueeze(0)
        causal = (back >= 0) & (back < ATTENTION_WINDOW)  # [S, P+S]: causal, within the attention window
        allowed = causal.unsqueeze(0).unsqueeze(0) & (attention_mask > 0).unsqueeze(1).unsqueeze(2)  # [B,1,S,P+S]
        x = self.tok(input_ids) + self.pos(position_ids)
        new = []
        for i, block in enumerate(self.blocks):
            x, k, v = block(x, past[2 * i], past[2 * i + 1], allowed)
            new += [k, v]
        return self.ln(x), new

    def forward(self, input_ids, position_ids, attention_mask, *past):
        h, new = self.hidden(input_ids, position_ids, attention_mask, past)
        return (self.head(h), *new)


class StepGraph(nn.Module):
    """The exported generation step: logits and this step's keys and values."""

    def __init__(self, gpt):
        super().__init__()
        self.gpt = gpt

    def forward(self, input_ids, position_ids, attention_mask, *past):
        return self.gpt(input_ids, position_ids, attention_mask, *past)


def empty_past(b):
    return [torch.zeros(b, HEADS, 0, DIM // HEADS) for _ in range(2 * LAYERS)]


def sample(gpt, itos, stoi, prompt, n, seed):
    g = torch.Generator().manual_seed(seed)
    ids = [stoi[c] for c in prompt]
    with torch.no_grad():
        for _ in range(n):
            x = torch.tensor([ids[-CONTEXT:]])
            pos = torch.arange(x.shape[1]).unsqueeze(0)
            logits = gpt(x, pos, torch.ones_like(x), *empty_past(1))[0][0, -1] / 0.8
            ids.append(int(torch.multinomial(torch.softmax(logits, -1), 1, generator=g)))
    return "".join(itos[i] for i in ids)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def tensor_spec(name, datatype, shape):
    return {"name": name, "datatype": datatype, "shape": shape}


def write_config(folder, config):
    with open(os.path.join(folder, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="data/kjv.txt.gz")
    ap.add_argument("--out", default="models")
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1611)
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    with gzip.open(args.data, "rt", encoding="utf-8") as f:
        text = f.read()
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    itos = chars
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    split = int(len(data) * 0.95)
    train, valid = data[:split], data[split:]
    print(f"corpus {len(text)} chars, vocab {len(chars)}, train {len(train)}, valid {len(valid)}", flush=True)

    gpt = TinyGpt(len(chars))
    opt = torch.optim.AdamW(gpt.parameters(), lr=3e-3, weight_decay=0.01, betas=(0.9, 0.95))
    warmup = 100

    def lr_at(step):
        if step < warmup:
            return 3e-3 * (step + 1) / warmup
        return 3e-4 + 0.5 * (3e-3 - 3e-4) * (1 + math.cos(math.pi * (step - warmup) / max(1, args.steps - warmup)))

    def batch(source, n):
        idx = torch.randint(len(source) - TRAIN_WINDOW - 1, (n,))
        x = torch.stack([source[i:i + TRAIN_WINDOW] for i in idx])
        y = torch.stack([source[i + 1:i + TRAIN_WINDOW + 1] for i in idx])
        return x, y

    def loss_of(x, y, offsets=None):
        # Windows start at random positions of the context during training, so every position embedding is learned.
        pos = torch.arange(x.shape[1]).unsqueeze(0).expand_as(x)
        if offsets is not None:
            pos = pos + offsets.unsqueeze(1)
        logits = gpt(x, pos, torch.ones_like(x), *empty_past(x.shape[0]))[0]
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))

    started = time.time()
    for step in range(args.steps):
        for group in opt.param_groups:
            group["lr"] = lr_at(step)
        x, y = batch(train, args.batch)
        loss = loss_of(x, y, torch.randint(CONTEXT - TRAIN_WINDOW + 1, (x.shape[0],)))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(gpt.parameters(), 1.0)
        opt.step()
        if step % 100 == 0 or step == args.steps - 1:
            print(f"step {step} loss {loss.item():.3f} {time.time() - started:.0f}s", flush=True)

    gpt.eval()
    g = torch.Generator().manual_seed(args.seed)
    with torch.no_grad():
        losses = []
        for _ in range(20):
            idx = torch.randint(len(valid) - TRAIN_WINDOW - 1, (16,), generator=g)
            x = torch.stack([valid[i:i + TRAIN_WINDOW] for i in idx])
            y = torch.stack([valid[i + 1:i + TRAIN_WINDOW + 1] for i in idx])
            losses.append(loss_of(x, y).item())
    valid_loss = sum(losses) / len(losses)
    print(f"validation loss {valid_loss:.3f} nats/char ({valid_loss / math.log(2):.3f} bits)", flush=True)
    example = sample(gpt, itos, stoi, "And God said", 200, args.seed)
    print(example, flush=True)

    trained_at = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    corpus_sha = sha256(args.data)
    hd = DIM // HEADS
    metadata = {
        "framework": "OrleansInference tools/TextModels (PyTorch %s, ONNX export opset 17)" % torch.__version__.split("+")[0],
        "algorithm": f"char-gpt-{LAYERS}x{DIM}",
        "metrics": {"validation_loss_nats_per_char": round(valid_loss, 4), "train_steps": args.steps,
                    "batch": args.batch, "window": TRAIN_WINDOW, "seconds": round(time.time() - started)},
        "trained_at": trained_at,
        "dataset": os.path.basename(args.data),
        "dataset_sha256": corpus_sha,
        "dataset_version": "King James Version (public domain), Debian bible-kjv-text 4.38",
    }
    tokenizer = {"kind": "char", "vocab": itos}

    # Step graph with caches.
    gpt_dir = os.path.join(args.out, "kjv-gpt", "1")
    os.makedirs(gpt_dir, exist_ok=True)
    b, s, p = 2, 3, 4
    dummy = (torch.zeros(b, s, dtype=torch.long), torch.zeros(b, s, dtype=torch.long), torch.ones(b, p + s, dtype=torch.long),
             *[torch.zeros(b, HEADS, p, hd) for _ in range(2 * LAYERS)])
    past_names = [n for l in range(LAYERS) for n in (f"past_key_{l}", f"past_value_{l}")]
    new_names = [n for l in range(LAYERS) for n in (f"new_key_{l}", f"new_value_{l}")]
    axes = {"input_ids": {0: "batch", 1: "step"}, "position_ids": {0: "batch", 1: "step"},
            "attention_mask": {0: "batch", 1: "total"}, "logits": {0: "batch", 1: "step"}}
    for n in past_names:
        axes[n] = {0: "batch", 2: "past"}
    for n in new_names:
        axes[n] = {0: "batch", 2: "step"}
    gpt_path = os.path.join(gpt_dir, "model.onnx")
    torch.onnx.export(StepGraph(gpt), dummy, gpt_path, opset_version=17, do_constant_folding=True,
                      input_names=["input_ids", "position_ids", "attention_mask", *past_names],
                      output_names=["logits", *new_names], dynamic_axes=axes)
    with open(os.path.join(gpt_dir, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False)
        f.write("\n")
    write_config(gpt_dir, {
        "name": "kjv-gpt",
        "version": "1",
        "description": f"Character-level GPT ({LAYERS} layers, width {DIM}) that writes text in the style of the King James Bible.",
        "inputs": [tensor_spec("input_ids", "INT64", [-1, -1]), tensor_spec("position_ids", "INT64", [-1, -1]),
                   tensor_spec("attention_mask", "INT64", [-1, -1]),
                   *[tensor_spec(n, "FP32", [-1, HEADS, -1, hd]) for n in past_names]],
        "outputs": [tensor_spec("logits", "FP32", [-1, -1, len(itos)]),
                    *[tensor_spec(n, "FP32", [-1, HEADS, -1, hd]) for n in new_names]],
        "generation": {"tokenizer": "tokenizer.json", "layers": LAYERS, "heads": HEADS, "head_dim": hd,
                       "context": CONTEXT, "attention_window": ATTENTION_WINDOW},
        "instances": 1,
        "metadata": {**metadata, "example": example},
        "stage": "production",
        "sha256": sha256(gpt_path),
    })

    torch.save(gpt.state_dict(), os.environ.get("TEXTMODELS_CHECKPOINT", "/tmp/kjv-gpt.pt"))
    print("wrote", gpt_dir)


if __name__ == "__main__":
    main()

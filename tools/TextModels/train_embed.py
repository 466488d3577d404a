#!/usr/bin/env python3
"""Builds the demo embedding model, ``kjv-embed/1``, from data/kjv.txt.gz and exports it to the model repository.

Latent semantic analysis over the verses: a TF-IDF matrix (sublinear term frequency, one document per verse, words
seen in at least two verses) reduced to 128 dimensions with a randomized SVD. A word's vector is its right singular
vector scaled by its IDF, so a text's embedding is the sum of its known words' vectors (LSA's fold-in, up to scale);
the server normalizes it to unit length. The ONNX graph takes word ids ``input_ids`` and ``attention_mask`` (int64
[B,S]) and returns ``embeddings`` [B,128]; the tokenizer (``tokenizer.json``, kind ``word``) lower-cases a text and
splits it into runs of letters, skipping words outside the vocabulary.

    python3 tools/TextModels/train_embed.py --data data/kjv.txt.gz --out models
"""

import argparse
import collections
import datetime
import gzip
import hashlib
import json
import math
import os
import re

import torch
import torch.nn as nn

DIM = 128
MAX_TOKENS = 128


class EmbedGraph(nn.Module):
    def __init__(self, vectors):
        super().__init__()
        self.vectors = nn.Parameter(vectors, requires_grad=False)

    def forward(self, input_ids, attention_mask):
        picked = self.vectors[input_ids]  # [B,S,D]
        return (picked * attention_mask.to(picked.dtype).unsqueeze(2)).sum(dim=1)


def words(text):
    return re.findall(r"[a-z]+", text.lower())


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="data/kjv.txt.gz")
    ap.add_argument("--out", default="models")
    ap.add_argument("--seed", type=int, default=1611)
    args = ap.parse_args()
    torch.manual_seed(args.seed)

    with gzip.open(args.data, "rt", encoding="utf-8") as f:
        verses = [line for line in f.read().split("\n") if line]
    docs = [words(v) for v in verses]
    df = collections.Counter()
    for d in docs:
        df.update(set(d))
    vocab = sorted((w for w, c in df.items() if c >= 2), key=lambda w: (-df[w], w))
    index = {w: i for i, w in enumerate(vocab)}
    n = len(docs)
    idf = torch.tensor([math.log(n / df[w]) for w in vocab], dtype=torch.float64)
    rows, cols, vals = [], [], []
    for i, d in enumerate(docs):
        for w, c in collections.Counter(d).items():
            if w in index:
                rows.append(i)
                cols.append(index[w])
                vals.append((1 + math.log(c)) * idf[index[w]].item())
    matrix = torch.sparse_coo_tensor([rows, cols], vals, (n, len(vocab)), dtype=torch.float64).coalesce()
    _, singular, v = torch.svd_lowrank(matrix, q=DIM, niter=6)
    vectors = (v * idf.unsqueeze(1)).to(torch.float32)
    explained = float((singular ** 2).sum() / (matrix.values() ** 2).sum())
    print(f"{n} verses, {len(vocab)} words, {DIM} dimensions, {explained:.3f} of the TF-IDF energy", flush=True)

    folder = os.path.join(args.out, "kjv-embed", "1")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.onnx")
    torch.onnx.export(EmbedGraph(vectors), (torch.zeros(2, 5, dtype=torch.long), torch.ones(2, 5, dtype=torch.long)), path,
                      opset_version=17, do_constant_folding=True, input_names=["input_ids", "attention_mask"],
                      output_names=["embeddings"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                                    "embeddings": {0: "batch"}})
    with open(os.path.join(folder, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump({"kind": "word", "lowercase": True, "vocab": vocab}, f, ensure_ascii=False)
        f.write("\n")
    trained_at = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    config = {
        "name": "kjv-embed",
        "version": "1",
        "description": f"Text embeddings ({DIM} dimensions) by latent semantic analysis of the King James Bible's verses.",
        "inputs": [{"name": "input_ids", "datatype": "INT64", "shape": [-1, -1]},
                   {"name": "attention_mask", "datatype": "INT64", "shape": [-1, -1]}],
        "outputs": [{"name": "embeddings", "datatype": "FP32", "shape": [-1, DIM]}],
        "embedding": {"tokenizer": "tokenizer.json", "max_tokens": MAX_TOKENS, "dimensions": DIM},
        "batching": {"max_batch_size": 64, "max_queue_delay_us": 500, "max_queue_size": 2048, "default_timeout_ms": 5000,
                     "dispatch_when_idle": True},
        "instances": 1,
        "metadata": {
            "framework": "OrleansInference tools/TextModels (PyTorch %s, ONNX export opset 17)" % torch.__version__.split("+")[0],
            "algorithm": f"lsa-tfidf-svd-{DIM}",
            "metrics": {"verses": n, "words": len(vocab), "tfidf_energy_kept": round(explained, 4)},
            "trained_at": trained_at,
            "dataset": os.path.basename(args.data),
            "dataset_sha256": sha256(args.data),
            "dataset_version": "King James Version (public domain), Debian bible-kjv-text 4.38",
        },
        "stage": "production",
        "sha256": sha256(path),
    }
    with open(os.path.join(folder, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    print("wrote", folder)


if __name__ == "__main__":
    main()

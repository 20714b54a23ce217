"""Minimal safetensors reader/writer for torch tensors (Debian has no python3-safetensors).

Format: 8-byte little-endian header length, a JSON header (padded with spaces to a multiple of 8) mapping
each name to {"dtype", "shape", "data_offsets"} plus an optional "__metadata__" of strings, then the raw
little-endian tensor data.
"""
import json
import struct

import torch

DT = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "I64": torch.int64,
      "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}
TD = {v: k for k, v in DT.items()}


def save_file(tensors, path, metadata=None):
    """Writes {name: tensor} (tensors are written in the given order) and optional {str: str} metadata."""
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        b = t.numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": TD[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load_file(path, with_metadata=False):
    """Returns {name: tensor} (and the metadata dict if with_metadata)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        if b == a:
            out[name] = torch.zeros(e["shape"], dtype=DT[e["dtype"]])
        else:
            out[name] = torch.frombuffer(bytearray(data[a:b]), dtype=DT[e["dtype"]]).reshape(e["shape"]).clone()
    return (out, header.get("__metadata__", {})) if with_metadata else out

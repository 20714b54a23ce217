#!/usr/bin/env python3
"""Weight interchange check with PyTorch for the U-Net (fastMRI layout inside the paper's normalising wrapper).

    python3 tools/interop/unet_reference.py make OUT_DIR   # writes unet_ref.safetensors and unet_io.safetensors
    python3 tools/interop/unet_reference.py check WEIGHTS.safetensors IO.safetensors

`make` builds the reference model with PyTorch's own default initialisation (seeded), saves its state dict,
and saves an input and the output the model gives for it. `check` loads a state dict (e.g. written by
robustmri) with load_state_dict(strict=True) and compares its output on the saved input.
Debian has no python3-safetensors, so the format (8-byte LE header length, JSON header, raw data) is
read and written here directly.
"""
import json
import struct
import sys

import torch
from torch import nn
from torch.nn import functional as F

DT = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64}
TD = {v: k for k, v in DT.items()}


def save_file(tensors, path, metadata=None):
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        b = t.numpy().tobytes()
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


def load_file(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[a:b]), dtype=DT[e["dtype"]]).reshape(e["shape"])
        out[name] = t.clone()
    return out


class ConvBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.InstanceNorm2d(cout), nn.LeakyReLU(0.2), nn.Dropout2d(0.0),
            nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.InstanceNorm2d(cout), nn.LeakyReLU(0.2), nn.Dropout2d(0.0))

    def forward(self, x):
        return self.layers(x)


class TransposeConvBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.layers = nn.Sequential(nn.ConvTranspose2d(cin, cout, 2, stride=2, bias=False), nn.InstanceNorm2d(cout), nn.LeakyReLU(0.2))

    def forward(self, x):
        return self.layers(x)


class Unet(nn.Module):
    def __init__(self, chans, pools):
        super().__init__()
        self.down_sample_layers = nn.ModuleList([ConvBlock(1, chans)])
        ch = chans
        for _ in range(pools - 1):
            self.down_sample_layers.append(ConvBlock(ch, ch * 2))
            ch *= 2
        self.conv = ConvBlock(ch, ch * 2)
        self.up_conv, self.up_transpose_conv = nn.ModuleList(), nn.ModuleList()
        for _ in range(pools - 1):
            self.up_transpose_conv.append(TransposeConvBlock(ch * 2, ch))
            self.up_conv.append(ConvBlock(ch * 2, ch))
            ch //= 2
        self.up_transpose_conv.append(TransposeConvBlock(ch * 2, ch))
        self.up_conv.append(nn.Sequential(ConvBlock(ch * 2, ch), nn.Conv2d(ch, 1, 1)))

    def forward(self, x):
        stack = []
        for layer in self.down_sample_layers:
            x = layer(x)
            stack.append(x)
            x = F.avg_pool2d(x, 2, 2)
        x = self.conv(x)
        for tconv, conv in zip(self.up_transpose_conv, self.up_conv):
            skip = stack.pop()
            x = tconv(x)
            pad = [0, 1 if x.shape[-1] != skip.shape[-1] else 0, 0, 1 if x.shape[-2] != skip.shape[-2] else 0]
            if sum(pad):
                x = F.pad(x, pad, "reflect")
            x = conv(torch.cat([x, skip], 1))
        return x


class NormUnet(nn.Module):
    def __init__(self, chans, pools):
        super().__init__()
        self.unet = Unet(chans, pools)

    def forward(self, x):
        mean = x.mean(dim=(1, 2, 3), keepdim=True)
        std = x.std(dim=(1, 2, 3), keepdim=True)
        return self.unet((x - mean) / std) * std + mean


CHANS, POOLS = 4, 3


def main():
    if sys.argv[1] == "make":
        torch.manual_seed(0)
        model = NormUnet(CHANS, POOLS).eval()
        x = torch.rand(2, 1, 26, 19) * 3 + 0.5
        with torch.no_grad():
            y = model(x)
        save_file(model.state_dict(), sys.argv[2] + "/unet_ref.safetensors",
                  {"model": "unet", "chans": str(CHANS), "pools": str(POOLS), "generator": "torch " + torch.__version__})
        save_file({"input": x, "output": y}, sys.argv[2] + "/unet_io.safetensors")
        print("params", sum(p.numel() for p in model.parameters()))
    else:
        model = NormUnet(CHANS, POOLS).eval()
        model.load_state_dict(load_file(sys.argv[2]), strict=True)
        io = load_file(sys.argv[3])
        with torch.no_grad():
            y = model(io["input"])
        print("max abs diff vs saved output: %.3g" % (y - io["output"]).abs().max().item())


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reads what robustmri writes with PyTorch and h5py alone and checks it: a U-Net checkpoint (safetensors) and the
fastMRI-layout files of `zerofill` and `reconstruct`.

    /usr/bin/python3 tools/interop/check_java_outputs.py CHECKPOINT.safetensors ZEROFILLED.h5 RECONSTRUCTED.h5

The checkpoint's weights are loaded with load_state_dict(strict=True) into a U-Net written here from the published
architecture of fastMRI's `Unet` wrapped as the paper's `NormUnet` (per-image mean/std normalisation around it;
convolution blocks Conv3x3-InstanceNorm-LeakyReLU(0.2) twice without bias, 2x2 average pooling, 2x2 stride-2
transposed convolutions, reflection padding of one row/column when a skip connection is larger, a final 1x1
convolution with bias). The zero-filled image (`reconstruction` of the zerofill output) is run through it in
float64 and compared with the Java model's `reconstruction` of the same file. Also checked with h5py: float32
datasets of equal shape (slices, H, W) and the attributes naming the model and the source file. Prints one line of JSON; exit code 1
when a check fails. Needs Debian's python3-torch and python3-h5py; tools/interop/st.py reads the safetensors file.
"""
import json
import os
import sys

import h5py
import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from st import load_file  # noqa: E402


def conv_block(cin, cout):
    # indices 0 and 4 hold the convolutions, as in the checkpoint's names (layers.0, layers.4)
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.InstanceNorm2d(cout), nn.LeakyReLU(0.2),
                         nn.Dropout2d(0.0), nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.InstanceNorm2d(cout),
                         nn.LeakyReLU(0.2), nn.Dropout2d(0.0))


class Block(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = layers

    def forward(self, x):
        return self.layers(x)


class UNet(nn.Module):
    def __init__(self, chans, pools):
        super().__init__()
        down = [Block(conv_block(1, chans))]
        ch = chans
        for _ in range(pools - 1):
            down.append(Block(conv_block(ch, 2 * ch)))
            ch *= 2
        self.down_sample_layers = nn.ModuleList(down)
        self.conv = Block(conv_block(ch, 2 * ch))
        ups, convs = [], []
        for i in range(pools):
            ups.append(Block(nn.Sequential(nn.ConvTranspose2d(2 * ch, ch, 2, stride=2, bias=False), nn.InstanceNorm2d(ch),
                                           nn.LeakyReLU(0.2))))
            if i < pools - 1:
                convs.append(Block(conv_block(2 * ch, ch)))
                ch //= 2
            else:
                convs.append(nn.Sequential(Block(conv_block(2 * ch, ch)), nn.Conv2d(ch, 1, 1)))
        self.up_transpose_conv = nn.ModuleList(ups)
        self.up_conv = nn.ModuleList(convs)

    def forward(self, x):
        skips = []
        for layer in self.down_sample_layers:
            x = layer(x)
            skips.append(x)
            x = F.avg_pool2d(x, 2)
        x = self.conv(x)
        for up, conv in zip(self.up_transpose_conv, self.up_conv):
            skip = skips.pop()
            x = up(x)
            pad = [0, int(x.shape[-1] != skip.shape[-1]), 0, int(x.shape[-2] != skip.shape[-2])]
            if sum(pad):
                x = F.pad(x, pad, "reflect")
            x = conv(torch.cat([x, skip], 1))
        return x


class NormUNet(nn.Module):
    def __init__(self, chans, pools):
        super().__init__()
        self.unet = UNet(chans, pools)

    def forward(self, x):
        mean = x.mean(dim=(1, 2, 3), keepdim=True)
        std = x.std(dim=(1, 2, 3), keepdim=True)
        return self.unet((x - mean) / std) * std + mean


def main(checkpoint, zerofilled, reconstructed):
    weights, meta = load_file(checkpoint, with_metadata=True)
    problems = []
    if meta.get("model_family") != "unet":
        problems.append("metadata model_family is %r, not 'unet'" % meta.get("model_family"))
    chans, pools = int(meta["model.chans"]), int(meta["model.pools"])
    model = NormUNet(chans, pools).double()
    model.load_state_dict({k: v.double() for k, v in weights.items()}, strict=True)  # raises on any name or shape mismatch
    model.eval()
    with h5py.File(zerofilled, "r") as z, h5py.File(reconstructed, "r") as r:
        zf, rec = z["reconstruction"], r["reconstruction"]
        for name, d in (("zerofill", zf), ("reconstruct", rec)):
            if d.dtype != "float32" or d.ndim != 3:
                problems.append("%s: reconstruction is %s %s, expected float32 (slices, H, W)" % (name, d.dtype, d.shape))
        if zf.shape != rec.shape:
            problems.append("shapes differ: %s vs %s" % (zf.shape, rec.shape))
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in r.attrs.items()}
        if not str(attrs.get("model", "")).startswith("unet") or attrs.get("source") != os.path.basename(reconstructed):
            problems.append("reconstruct output's attributes do not name the model and source file: %s" % attrs)
        x = torch.from_numpy(zf[()]).double()[:, None]
        java = torch.from_numpy(rec[()]).double()
    with torch.no_grad():
        ours = model(x)[:, 0]
    scale = float(java.abs().max())
    diff = float((ours - java).abs().max())
    if not diff <= 1e-4 * scale:
        problems.append("U-Net output differs: max |diff| %.3g against max |value| %.3g" % (diff, scale))
    print(json.dumps({"tensors": len(weights), "chans": chans, "pools": pools, "shape": list(java.shape),
                      "max_abs_diff": diff, "max_abs_value": scale, "problems": problems}))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))

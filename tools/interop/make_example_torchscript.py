#!/usr/bin/env python3
"""The example TorchScript architecture of configs/sim/torchscript_models.yaml, exported with Debian's python3-torch:

    /usr/bin/python3 tools/interop/make_example_torchscript.py configs/sim/models/scripted_unet.ts

A U-Net that is not one of robustmri's families: 3 levels of two 3x3 convolutions with GroupNorm and SiLU (16, 32, 64
channels), bilinear upsampling, concatenated skips, the input normalised by its mean and standard deviation and the
output returned in the input's units plus the input (a residual). forward(image (B, 1, H, W)) -> (B, 1, H, W), H and W
divisible by 4. Weights: PyTorch's default initialisation after torch.manual_seed(0).
"""
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.GroupNorm(4, cout), nn.SiLU(),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.GroupNorm(4, cout), nn.SiLU())


class ScriptedUNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc1, self.enc2, self.mid = block(1, 16), block(16, 32), block(32, 64)
        self.dec2, self.dec1 = block(64 + 32, 32), block(32 + 16, 16)
        self.out = nn.Conv2d(16, 1, 1)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        mean = image.mean(dim=(-2, -1), keepdim=True)
        std = image.std(dim=(-2, -1), keepdim=True) + 1e-6
        x = (image - mean) / std
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        m = self.mid(F.max_pool2d(e2, 2))
        d2 = self.dec2(torch.cat([F.interpolate(m, scale_factor=2.0, mode="bilinear", align_corners=False), e2], dim=1))
        d1 = self.dec1(torch.cat([F.interpolate(d2, scale_factor=2.0, mode="bilinear", align_corners=False), e1], dim=1))
        return image + self.out(d1) * std


def main():
    torch.manual_seed(0)
    m = torch.jit.script(ScriptedUNet())
    m.save(sys.argv[1])
    print("parameters", sum(p.numel() for p in m.parameters()))


if __name__ == "__main__":
    main()

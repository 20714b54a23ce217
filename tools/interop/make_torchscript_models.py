#!/usr/bin/env python3
"""TorchScript models and their goldens, made with Debian's python3-torch:

    /usr/bin/python3 tools/interop/make_torchscript_models.py src/test/resources/interop/ts

- tiny_unet.ts      a small U-Net on the zero-filled image (B, 1, H, W): two levels, a skip connection, a residual
- kspace_net.ts     a k-space model in fastMRI's VarNet layout: forward(masked_kspace (B, C, H, W, 2), mask (B, 1, 1, W, 1)),
                    data consistency on the sampled lines of a learned k-space filter, centred inverse FFT, root-sum-of-squares,
                    a convolutional refinement; returns (B, 1, H, W)
- goldens.safetensors  inputs, forward outputs, and for each model the state dict after 3 Adam steps (lr 1e-3, PyTorch's
                    defaults) on loss mean((forward(x) - target)^2), with the losses
Both modules are torch.jit.script'ed after torch.manual_seed(0).
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import st  # noqa: E402


class TinyUNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(1, 4, 3, padding=1)
        self.mid = nn.Conv2d(4, 8, 3, padding=1)
        self.up = nn.ConvTranspose2d(8, 4, 2, stride=2)
        self.out = nn.Conv2d(8, 1, 1)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        d = F.relu(self.down(image))
        m = F.relu(self.mid(F.max_pool2d(d, 2)))
        u = self.up(m)
        return image + self.out(torch.cat([d, u], dim=1))


class KspaceNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.filter = nn.Parameter(torch.ones(1))
        self.refine = nn.Conv2d(1, 1, 3, padding=1)

    def forward(self, masked_kspace: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        k = torch.view_as_complex(masked_kspace.contiguous())
        k = torch.where(mask[..., 0], k, k * self.filter)
        img = torch.fft.fftshift(torch.fft.ifft2(torch.fft.ifftshift(k, dim=(-2, -1)), norm="ortho"), dim=(-2, -1))
        rss = torch.sqrt((img.abs() ** 2).sum(dim=1, keepdim=True))
        return rss + self.refine(rss)


def adam_steps(module, inputs, target, steps=3):
    opt = torch.optim.Adam(module.parameters(), lr=1e-3)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((module(*inputs) - target) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    g = {}
    torch.manual_seed(0)
    unet = torch.jit.script(TinyUNet())
    kspace = torch.jit.script(KspaceNet())
    unet.save(os.path.join(out, "tiny_unet.ts"))
    kspace.save(os.path.join(out, "kspace_net.ts"))
    gen = torch.Generator().manual_seed(1)
    image = torch.randn(2, 1, 16, 16, generator=gen)
    target = torch.randn(2, 1, 16, 16, generator=gen)
    ks = torch.randn(1, 3, 16, 12, 2, generator=gen)
    mask = torch.zeros(1, 1, 1, 12, 1, dtype=torch.bool)
    mask[..., ::3, :] = True
    mask[..., 5:7, :] = True
    ks = ks * mask
    ktarget = torch.randn(1, 1, 16, 12, generator=gen)
    with torch.no_grad():
        g["unet_input"], g["unet_output"] = image, unet(image)
        g["kspace_input"], g["kspace_mask"], g["kspace_output"] = ks, mask.to(torch.float32), kspace(ks, mask)
    g["unet_target"], g["kspace_target"] = target, ktarget
    losses = adam_steps(unet, [image], target)
    g["unet_losses"] = torch.tensor(losses, dtype=torch.float64)
    for k, v in unet.state_dict().items():
        g["unet_trained." + k] = v.detach().clone()
    losses = adam_steps(kspace, [ks, mask], ktarget)
    g["kspace_losses"] = torch.tensor(losses, dtype=torch.float64)
    for k, v in kspace.state_dict().items():
        g["kspace_trained." + k] = v.detach().clone()
    st.save_file(g, os.path.join(out, "goldens.safetensors"), metadata={"torch": torch.__version__})


if __name__ == "__main__":
    main()

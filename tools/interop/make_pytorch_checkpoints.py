#!/usr/bin/env python3
"""PyTorch checkpoint files, written by Debian's python3-torch with torch.save, from the reference state dicts of
tools/interop (unet_ref.safetensors, varnet/varnet_tiny.safetensors, vit/vit_tiny.safetensors):

    /usr/bin/python3 tools/interop/make_pytorch_checkpoints.py src/test/resources/interop src/test/resources/interop/pt

- unet_state_dict.pt       torch.save(model.state_dict()) of the paper's NormUnet (keys "unet.*")
- unet_fastmri_unet.pt     fastMRI's plain Unet state dict, as its released U-Net weights (keys without "unet.")
- unet_lightning.ckpt      a PyTorch Lightning checkpoint: {"state_dict": {"model." + key: ...}, "epoch", "global_step",
                           "pytorch-lightning_version", "hyper_parameters", "optimizer_states", "lr_schedulers"}
- unet_paper.pt            the paper's checkpoint dict: {"model": state_dict, "optimizer": Adam state after one step,
                           "epoch"}
- varnet_state_dict.pth    fastMRI's VarNet state dict
- vit_state_dict.pt        the paper's ReconNet(VisionTransformer) state dict
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import st  # noqa: E402


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    unet = st.load_file(os.path.join(src, "unet_ref.safetensors"))
    torch.save(unet, os.path.join(out, "unet_state_dict.pt"))
    torch.save({k[len("unet."):]: v for k, v in unet.items()}, os.path.join(out, "unet_fastmri_unet.pt"))
    params = [torch.nn.Parameter(v.clone()) for v in unet.values()]
    adam = torch.optim.Adam(params, lr=1e-3)
    sum((p * p).sum() for p in params).backward()
    adam.step()
    torch.save({"epoch": 3, "global_step": 120, "pytorch-lightning_version": "1.9.0",
                "state_dict": {"model." + k: v for k, v in unet.items()},
                "hyper_parameters": {"chans": 4, "num_pools": 3, "lr": 0.001, "mask_type": "equispaced"},
                "optimizer_states": [adam.state_dict()], "lr_schedulers": [{"last_epoch": 3}]},
               os.path.join(out, "unet_lightning.ckpt"))
    torch.save({"model": unet, "optimizer": adam.state_dict(), "epoch": 3}, os.path.join(out, "unet_paper.pt"))
    torch.save(st.load_file(os.path.join(src, "varnet", "varnet_tiny.safetensors")), os.path.join(out, "varnet_state_dict.pth"))
    torch.save(st.load_file(os.path.join(src, "vit", "vit_tiny.safetensors")), os.path.join(out, "vit_state_dict.pt"))


if __name__ == "__main__":
    main()

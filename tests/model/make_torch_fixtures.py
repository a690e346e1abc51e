#!/usr/bin/python3
"""Writes the committed PyTorch `.bin` fixtures of tests/fixtures/model/ with Debian's python3-torch (1.13).

Run once by hand (`/usr/bin/python3 tests/model/make_torch_fixtures.py`); CI only reads the outputs.
The tiny dimensions must match TinyConfig() in tests/model/weights_test.cpp.
"""
import collections
import json
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "model")

# vision: hidden 8, 2 layers, 2 heads, MLP 16, image 28, patch 14 (2x2 grid + class = 5 positions)
# text: vocab 32, hidden 16, 2 layers, 2 heads, MLP 24
DV, LV, MV, IMG, P = 8, 2, 16, 28, 14
V, DT, LT, MT = 32, 16, 2, 24


def seeded(shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g)


def clip_tensors():
    t = collections.OrderedDict()
    t["text_model.embeddings.token_embedding.weight"] = seeded((10, 4), 1)
    t["logit_scale"] = torch.tensor(2.6592)
    t["vision_model.embeddings.class_embedding"] = seeded((DV,), 2)
    t["vision_model.embeddings.patch_embedding.weight"] = seeded((DV, 3, P, P), 3)
    t["vision_model.embeddings.position_embedding.weight"] = seeded(((IMG // P) ** 2 + 1, DV), 4)
    t["vision_model.embeddings.position_ids"] = torch.arange((IMG // P) ** 2 + 1).unsqueeze(0)
    t["vision_model.pre_layrnorm.weight"] = torch.ones(DV)
    t["vision_model.pre_layrnorm.bias"] = torch.zeros(DV)
    for i in range(LV):
        p = f"vision_model.encoder.layers.{i}."
        for n in ("layer_norm1", "layer_norm2"):
            t[p + n + ".weight"] = torch.ones(DV)
            t[p + n + ".bias"] = torch.zeros(DV)
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            t[p + "self_attn." + n + ".weight"] = seeded((DV, DV), 10 + i)
            t[p + "self_attn." + n + ".bias"] = seeded((DV,), 20 + i)
        t[p + "mlp.fc1.weight"] = seeded((MV, DV), 30 + i)
        t[p + "mlp.fc1.bias"] = seeded((MV,), 40 + i)
        t[p + "mlp.fc2.weight"] = seeded((DV, MV), 50 + i)
        t[p + "mlp.fc2.bias"] = seeded((DV,), 60 + i)
    t["vision_model.post_layernorm.weight"] = torch.ones(DV)
    t["vision_model.post_layernorm.bias"] = torch.zeros(DV)
    t["visual_projection.weight"] = seeded((4, DV), 5)
    return t


def llava_tensors():
    t = collections.OrderedDict()
    t["model.embed_tokens.weight"] = seeded((V, DT), 100).half()
    for i in range(LT):
        p = f"model.layers.{i}."
        for n in ("q_proj", "k_proj", "v_proj", "o_proj"):
            t[p + "self_attn." + n + ".weight"] = seeded((DT, DT), 110 + i).half()
        t[p + "self_attn.rotary_emb.inv_freq"] = torch.ones(DT // 4)
        t[p + "mlp.gate_proj.weight"] = seeded((MT, DT), 120 + i).half()
        t[p + "mlp.up_proj.weight"] = seeded((MT, DT), 130 + i).half()
        t[p + "mlp.down_proj.weight"] = seeded((DT, MT), 140 + i).half()
        t[p + "input_layernorm.weight"] = torch.ones(DT).half()
        t[p + "post_attention_layernorm.weight"] = torch.ones(DT).half()
    t["model.norm.weight"] = torch.ones(DT).half()
    t["model.mm_projector.0.weight"] = seeded((DT, DV), 150).half()
    t["model.mm_projector.0.bias"] = seeded((DT,), 151).half()
    t["model.mm_projector.2.weight"] = seeded((DT, DT), 152).half()
    t["model.mm_projector.2.bias"] = seeded((DT,), 153).half()
    t["lm_head.weight"] = seeded((V, DT), 160).half()
    return t


class NotAllowed:
    """A class the reader must refuse: unpickling it in Python would run arbitrary code paths."""


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2, sort_keys=True)
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)

    # A state dict with every case the reader handles: f32, a view with a storage offset and strides, f16, bf16,
    # i64, a 0-d tensor, a Parameter, and an OrderedDict carrying _metadata (as module.state_dict() does).
    sd = collections.OrderedDict()
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    sd["f32"] = base
    sd["view"] = base[1:, 1:3]
    sd["transposed"] = base.t()
    sd["f16"] = torch.tensor([1.5, -2.0, 65504.0], dtype=torch.float16)
    sd["bf16"] = torch.tensor([[1.0, -0.5]], dtype=torch.bfloat16)
    sd["i64"] = torch.tensor([7, -8, 1 << 40], dtype=torch.int64)
    sd["scalar"] = torch.tensor(3.25)
    sd["param"] = torch.nn.Parameter(torch.tensor([0.25, 0.5]))
    sd._metadata = collections.OrderedDict([("", {"version": 1})])
    torch.save(sd, os.path.join(OUT, "state_dict.bin"))

    torch.save({"x": NotAllowed()}, os.path.join(OUT, "foreign_class.bin"))
    torch.save({"weight": torch.ones(2), "step": 3}, os.path.join(OUT, "non_tensor_value.bin"))
    torch.save([torch.ones(2)], os.path.join(OUT, "not_a_dict.bin"))

    # openai/clip-vit-large-patch14-336 layout, tiny.
    clip = os.path.join(OUT, "clip_tiny")
    os.makedirs(clip, exist_ok=True)
    torch.save(clip_tensors(), os.path.join(clip, "pytorch_model.bin"))
    write_json(os.path.join(clip, "config.json"), {
        "architectures": ["CLIPModel"], "model_type": "clip",
        "text_config": {"hidden_size": 4},
        "vision_config": {"hidden_size": DV, "intermediate_size": MV, "num_hidden_layers": LV,
                          "num_attention_heads": 2, "image_size": IMG, "patch_size": P, "hidden_act": "quick_gelu"}})
    write_json(os.path.join(clip, "preprocessor_config.json"), {
        "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
        "crop_size": IMG, "do_center_crop": True, "resample": 3})

    # liuhaotian/llava-v1.5-7b layout, tiny, in two .bin shards with an index.
    llava = os.path.join(OUT, "llava_tiny_liuhaotian")
    os.makedirs(llava, exist_ok=True)
    tensors = llava_tensors()
    names = list(tensors)
    half = len(names) // 2
    shards = {"pytorch_model-00001-of-00002.bin": names[:half], "pytorch_model-00002-of-00002.bin": names[half:]}
    weight_map = {}
    for shard, keys in shards.items():
        torch.save(collections.OrderedDict((k, tensors[k]) for k in keys), os.path.join(llava, shard))
        weight_map.update({k: shard for k in keys})
    write_json(os.path.join(llava, "pytorch_model.bin.index.json"),
               {"metadata": {"total_size": sum(t.numel() * t.element_size() for t in tensors.values())},
                "weight_map": weight_map})
    write_json(os.path.join(llava, "config.json"), {
        "architectures": ["LlavaLlamaForCausalLM"], "model_type": "llava",
        "vocab_size": V, "hidden_size": DT, "intermediate_size": MT, "num_hidden_layers": LT,
        "num_attention_heads": 2, "num_key_value_heads": 2, "rms_norm_eps": 1e-5, "max_position_embeddings": 64,
        "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0, "tie_word_embeddings": False,
        "mm_vision_tower": "openai/clip-vit-large-patch14-336", "mm_projector_type": "mlp2x_gelu",
        "mm_hidden_size": DV, "mm_vision_select_layer": -2, "mm_vision_select_feature": "patch"})


if __name__ == "__main__":
    main()

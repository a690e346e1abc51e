#!/usr/bin/python3
# Golden values for tests/model/network_test.cpp and generation_test.cpp: a tiny LLaVA-1.5 with random weights in
# the llava-hf key layout, run through our own plain-torch reference of the Hugging Face forward passes.
#
# Source of the semantics (re-implemented here, since no `transformers` package exists offline):
#   CLIPVisionModel (transformers/models/clip/modeling_clip.py): pre-LayerNorm blocks, quick GELU, q scaled before
#     q.k, hidden_states[-2] = output of the second-to-last encoder layer, class token dropped (LLaVA "default").
#   GeoChat clip_encoder.py clip_interpolate_embeddings: bicubic, align_corners=True, class position kept.
#   LLaVA-1.5 mlp2x_gelu projector: Linear, nn.GELU() (erf), Linear.
#   LlamaForCausalLM (modeling_llama.py): RMSNorm in fp32 then weight, rotate-half RoPE, softmax in fp32, SiLU gate.
#   LLaVA prepare_inputs_labels_for_multimodal: image features replace the -200 placeholder.
#   CLIPImageProcessor after LLaVA's expand2square: pad with the mean colour, PIL bicubic resize, 1/255, mean/std.
#
# Regenerate (Debian 12): apt-get install -y python3-torch python3-pil; /usr/bin/python3 make_golden.py
# Outputs in this folder: tiny_llava/{config.json,model.safetensors}, images/*.png, expected.safetensors.
import json
import math
import os
import struct

import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE_TOKEN_INDEX = -200
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]

# The checkpoint's position grid is 4x4 (image 32, patch 8); the model runs at 48 (6x6): the 336 -> 504 ratio.
CKPT_IMAGE = 32
CONFIG = {
    "name": "golden-tiny-llava",
    "vision": {"image_size": 48, "patch_size": 8, "hidden_size": 32, "num_layers": 3, "num_heads": 4,
               "intermediate_size": 64, "layer_norm_eps": 1e-5, "feature_layer": -2},
    "text": {"vocab_size": 96, "hidden_size": 48, "num_layers": 2, "num_heads": 4, "num_kv_heads": 2,
             "intermediate_size": 80, "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "max_position_embeddings": 256,
             "bos_id": 1, "eos_id": 2, "pad_id": 0},
    "moe": {"num_experts": 0},
}
V = CONFIG["vision"]
T = CONFIG["text"]


# ---- safetensors (format: u64 LE header length, JSON header, packed little-endian data) ----
DTYPES = {torch.float32: ("F32", 4), torch.int64: ("I64", 8)}


def write_safetensors(path, tensors):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        code, size = DTYPES[t.dtype]
        data = t.numpy().tobytes()
        assert len(data) == t.numel() * size
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


# ---- random weights in the llava-hf layout ----
def make_weights(gen):
    def r(*shape, std=0.2):
        return torch.randn(*shape, generator=gen) * std

    w = {}
    dv, dt, g0 = V["hidden_size"], T["hidden_size"], CKPT_IMAGE // V["patch_size"]
    p = "vision_tower.vision_model."
    w[p + "embeddings.class_embedding"] = r(dv)
    w[p + "embeddings.patch_embedding.weight"] = r(dv, 3, V["patch_size"], V["patch_size"], std=0.1)
    w[p + "embeddings.position_embedding.weight"] = r(g0 * g0 + 1, dv)
    for n in ("pre_layrnorm", "post_layernorm"):
        w[p + n + ".weight"] = 1 + r(dv, std=0.1)
        w[p + n + ".bias"] = r(dv, std=0.1)
    for i in range(V["num_layers"]):
        q = p + "encoder.layers.%d." % i
        for n in ("layer_norm1", "layer_norm2"):
            w[q + n + ".weight"] = 1 + r(dv, std=0.1)
            w[q + n + ".bias"] = r(dv, std=0.1)
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            w[q + "self_attn." + n + ".weight"] = r(dv, dv)
            w[q + "self_attn." + n + ".bias"] = r(dv, std=0.1)
        w[q + "mlp.fc1.weight"] = r(V["intermediate_size"], dv)
        w[q + "mlp.fc1.bias"] = r(V["intermediate_size"], std=0.1)
        w[q + "mlp.fc2.weight"] = r(dv, V["intermediate_size"])
        w[q + "mlp.fc2.bias"] = r(dv, std=0.1)
    w["multi_modal_projector.linear_1.weight"] = r(dt, dv)
    w["multi_modal_projector.linear_1.bias"] = r(dt, std=0.1)
    w["multi_modal_projector.linear_2.weight"] = r(dt, dt)
    w["multi_modal_projector.linear_2.bias"] = r(dt, std=0.1)
    p = "language_model.model."
    hd = dt // T["num_heads"]
    w[p + "embed_tokens.weight"] = r(T["vocab_size"], dt, std=1.0)
    for i in range(T["num_layers"]):
        q = p + "layers.%d." % i
        w[q + "self_attn.q_proj.weight"] = r(dt, dt)
        w[q + "self_attn.k_proj.weight"] = r(T["num_kv_heads"] * hd, dt)
        w[q + "self_attn.v_proj.weight"] = r(T["num_kv_heads"] * hd, dt)
        w[q + "self_attn.o_proj.weight"] = r(dt, dt)
        w[q + "mlp.gate_proj.weight"] = r(T["intermediate_size"], dt)
        w[q + "mlp.up_proj.weight"] = r(T["intermediate_size"], dt)
        w[q + "mlp.down_proj.weight"] = r(dt, T["intermediate_size"])
        w[q + "input_layernorm.weight"] = 1 + r(dt, std=0.1)
        w[q + "post_attention_layernorm.weight"] = 1 + r(dt, std=0.1)
    w[p + "norm.weight"] = 1 + r(dt, std=0.1)
    w["language_model.lm_head.weight"] = r(T["vocab_size"], dt, std=0.5)
    return w


# ---- preprocessing: LLaVA expand2square + CLIPImageProcessor ----
def preprocess(path):
    img = Image.open(path).convert("RGB")
    fill = tuple(int(x * 255) for x in MEAN)
    w, h = img.size
    if w != h:
        side = max(w, h)
        square = Image.new("RGB", (side, side), fill)
        square.paste(img, ((side - w) // 2, (side - h) // 2))
        img = square
    size = V["image_size"]
    img = img.resize((size, size), resample=Image.BICUBIC)
    x = torch.tensor(list(img.getdata()), dtype=torch.float64).reshape(size, size, 3) / 255.0
    x = (x - torch.tensor(MEAN, dtype=torch.float64)) / torch.tensor(STD, dtype=torch.float64)
    return x.permute(2, 0, 1).float().contiguous()


# ---- CLIP vision tower ----
def interpolate_positions(pe, grid):
    cls, rest = pe[:1], pe[1:]
    g0 = int(math.isqrt(rest.shape[0]))
    if g0 == grid:
        return pe.clone()
    rest = rest.T.reshape(1, pe.shape[1], g0, g0)
    rest = F.interpolate(rest, size=grid, mode="bicubic", align_corners=True)
    rest = rest.reshape(1, pe.shape[1], grid * grid).permute(0, 2, 1)[0]
    return torch.cat([cls, rest])


def vision_features(w, pixels):
    p = "vision_tower.vision_model."
    dv, heads, eps = V["hidden_size"], V["num_heads"], V["layer_norm_eps"]
    hd = dv // heads
    grid = V["image_size"] // V["patch_size"]
    x = F.conv2d(pixels, w[p + "embeddings.patch_embedding.weight"], stride=V["patch_size"])
    x = x.flatten(2).transpose(1, 2)
    cls = w[p + "embeddings.class_embedding"].expand(x.shape[0], 1, -1)
    x = torch.cat([cls, x], dim=1)
    x = x + interpolate_positions(w[p + "embeddings.position_embedding.weight"], grid)
    x = F.layer_norm(x, (dv,), w[p + "pre_layrnorm.weight"], w[p + "pre_layrnorm.bias"], eps)
    hidden_states = [x]
    for i in range(V["num_layers"]):
        q = p + "encoder.layers.%d." % i

        def lin(n, t):
            return F.linear(t, w[q + n + ".weight"], w[q + n + ".bias"])

        b, s, _ = x.shape
        h = F.layer_norm(x, (dv,), w[q + "layer_norm1.weight"], w[q + "layer_norm1.bias"], eps)
        qs = (lin("self_attn.q_proj", h) * hd ** -0.5).view(b, s, heads, hd).transpose(1, 2)
        ks = lin("self_attn.k_proj", h).view(b, s, heads, hd).transpose(1, 2)
        vs = lin("self_attn.v_proj", h).view(b, s, heads, hd).transpose(1, 2)
        a = torch.softmax(qs @ ks.transpose(2, 3), dim=-1) @ vs
        x = x + lin("self_attn.out_proj", a.transpose(1, 2).reshape(b, s, dv))
        h = F.layer_norm(x, (dv,), w[q + "layer_norm2.weight"], w[q + "layer_norm2.bias"], eps)
        h = lin("mlp.fc1", h)
        h = h * torch.sigmoid(1.702 * h)
        x = x + lin("mlp.fc2", h)
        hidden_states.append(x)
    return hidden_states[V["feature_layer"]][:, 1:]


def project(w, f):
    h = F.linear(f, w["multi_modal_projector.linear_1.weight"], w["multi_modal_projector.linear_1.bias"])
    return F.linear(F.gelu(h), w["multi_modal_projector.linear_2.weight"], w["multi_modal_projector.linear_2.bias"])


# ---- LLaMA ----
def rms_norm(x, weight, eps):
    dtype = x.dtype
    x = x.float()
    x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)
    return weight * x.to(dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


def llama_logits(w, embeds):
    p = "language_model.model."
    dt, heads, kv, eps = T["hidden_size"], T["num_heads"], T["num_kv_heads"], T["rms_norm_eps"]
    hd = dt // heads
    b, s, _ = embeds.shape
    inv_freq = 1.0 / (T["rope_theta"] ** (torch.arange(0, hd, 2).float() / hd))
    freqs = torch.outer(torch.arange(s).float(), inv_freq)
    emb = torch.cat([freqs, freqs], dim=-1)
    cos, sin = emb.cos(), emb.sin()
    mask = torch.full((s, s), torch.finfo(torch.float32).min).triu(1)
    x = embeds
    for i in range(T["num_layers"]):
        q = p + "layers.%d." % i
        h = rms_norm(x, w[q + "input_layernorm.weight"], eps)
        qs = F.linear(h, w[q + "self_attn.q_proj.weight"]).view(b, s, heads, hd).transpose(1, 2)
        ks = F.linear(h, w[q + "self_attn.k_proj.weight"]).view(b, s, kv, hd).transpose(1, 2)
        vs = F.linear(h, w[q + "self_attn.v_proj.weight"]).view(b, s, kv, hd).transpose(1, 2)
        qs = qs * cos + rotate_half(qs) * sin
        ks = ks * cos + rotate_half(ks) * sin
        ks = ks.repeat_interleave(heads // kv, dim=1)
        vs = vs.repeat_interleave(heads // kv, dim=1)
        a = qs @ ks.transpose(2, 3) / math.sqrt(hd) + mask
        a = torch.softmax(a, dim=-1, dtype=torch.float32) @ vs
        x = x + F.linear(a.transpose(1, 2).reshape(b, s, dt), w[q + "self_attn.o_proj.weight"])
        h = rms_norm(x, w[q + "post_attention_layernorm.weight"], eps)
        g = F.linear(h, w[q + "mlp.gate_proj.weight"])
        u = F.linear(h, w[q + "mlp.up_proj.weight"])
        x = x + F.linear(F.silu(g) * u, w[q + "mlp.down_proj.weight"])
    x = rms_norm(x, w[p + "norm.weight"], eps)
    return F.linear(x, w["language_model.lm_head.weight"])


def splice(w, ids, image_embeds):
    """LLaVA: the image's projected features take the place of the single -200 id."""
    at = ids.index(IMAGE_TOKEN_INDEX)
    table = w["language_model.model.embed_tokens.weight"]
    before = table[torch.tensor(ids[:at], dtype=torch.long)]
    after = table[torch.tensor(ids[at + 1:], dtype=torch.long)]
    return torch.cat([before, image_embeds, after])[None]


def greedy(w, ids, image_embeds, steps):
    """Greedy continuation by full recomputation; also the smallest top-1 margin seen (tie safety)."""
    out, margin = [], float("inf")
    for _ in range(steps):
        logits = llama_logits(w, splice(w, ids + out, image_embeds))[0, -1]
        top = torch.topk(logits, 2).values
        margin = min(margin, float(top[0] - top[1]))
        nxt = int(logits.argmax())
        out.append(nxt)
        if nxt == T["eos_id"]:
            break
    return out, margin


def make_image(path, width, height, gen):
    data = torch.randint(0, 256, (height, width, 3), generator=gen, dtype=torch.uint8)
    # Smooth gradients plus noise, so resampling has structure to preserve.
    yy, xx = torch.meshgrid(torch.arange(height), torch.arange(width), indexing="ij")
    base = torch.stack([xx * 255 // max(width - 1, 1), yy * 255 // max(height - 1, 1), (xx + yy) % 256], -1)
    pixels = ((base.to(torch.int32) + data.to(torch.int32)) // 2).to(torch.uint8)
    Image.frombytes("RGB", (width, height), pixels.numpy().tobytes()).save(path)


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1234)
    os.makedirs(os.path.join(HERE, "tiny_llava"), exist_ok=True)
    os.makedirs(os.path.join(HERE, "images"), exist_ok=True)
    weights = make_weights(gen)
    write_safetensors(os.path.join(HERE, "tiny_llava", "model.safetensors"), weights)
    with open(os.path.join(HERE, "tiny_llava", "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
        f.write("\n")

    # Two images: a wide one that is upsampled and a tall one that is downsampled (antialiased) to 48x48.
    names = {"wide": (40, 26), "tall": (61, 97)}
    expected = {}
    pixels = []
    for name, (width, height) in names.items():
        path = os.path.join(HERE, "images", name + ".png")
        make_image(path, width, height, gen)
        pixels.append(preprocess(path))
    pixels = torch.stack(pixels)
    expected["pixel_values"] = pixels

    with torch.no_grad():
        grid = V["image_size"] // V["patch_size"]
        expected["position_embedding"] = interpolate_positions(
            weights["vision_tower.vision_model.embeddings.position_embedding.weight"], grid)
        features = vision_features(weights, pixels)
        expected["vision_features"] = features
        projected = project(weights, features)
        expected["projector_output"] = projected

        # Prompt ids: BOS, text, the image placeholder, more text (ids inside the tiny vocabulary).
        prompts = [[1, 17, 33, 5, IMAGE_TOKEN_INDEX, 40, 41, 9, 77], [1, 23, IMAGE_TOKEN_INDEX, 64, 12]]
        for k, ids in enumerate(prompts):
            expected["prompt_ids_%d" % k] = torch.tensor(ids, dtype=torch.int64)
            expected["logits_%d" % k] = llama_logits(weights, splice(weights, ids, projected[k]))[0]
            continuation, margin = greedy(weights, ids, projected[k], 12)
            assert margin > 1e-2, "greedy top-1 margin %g is too small for a stable golden" % margin
            expected["greedy_%d" % k] = torch.tensor(continuation, dtype=torch.int64)
            print("prompt %d: continuation %s, smallest top-1 margin %.4f" % (k, continuation, margin))
    write_safetensors(os.path.join(HERE, "expected.safetensors"), expected)


if __name__ == "__main__":
    main()

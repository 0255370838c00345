"""System A, ``jepa``: a joint-embedding predictive world model with novelty and words.

- *Encoder* ``f``: one-hot observation features -> latent ``z`` (an MLP per infant).
- *Target encoder* ``f'``: an exponential moving average of ``f``; no gradient.
- *Predictor ensemble*: ``K`` heads ``g_k(z_t, a_t)`` predict ``f'(o_{t+1})``. There is
  no pixel reconstruction. A variance hinge on ``z`` keeps the latent from collapsing.
  A covariance penalty (``covariance_weight``, VICReg's) keeps its dimensions from
  collapsing onto a few: without it, four months of the newborn's worlds leave a latent
  of about 4-7 effective dimensions of 64 that no later practice widens, and the reach
  is not learned (docs/measurements.md, 2026-12-02 evening). The latent it keeps is
  wide but small in scale (its variance over time about 0.005, against the hinge's
  1), and keeps moving: the heads take ``head_updates`` extra steps on the detached
  latent to keep up (docs/measurements.md, 2026-12-03).
  The prediction error is normalised by the variance of the target latent (so it reads
  like ``1 - R^2``: about 1 for a predictor no better than the mean, 0 for a perfect one,
  and a collapsed latent cannot make it small).
- *Uncertainty*: the variance between heads, normalised the same way.
- *Novelty*: random network distillation; a fixed random net and a trained one, whose
  error falls for what has been seen often.
- *Local still-view model* (``local_hidden`` > 0; off by default): from how each view
  cell and its eight neighbours changed over the step before, and the action, how the
  cell changes over the next, in steps in which the infant did not turn or move
  (:meth:`~infancy.infants.base.SystemA.watch`). It reads changes, not contents: what
  stays put reads as no change for any toy, seen before or not; what it cannot learn is
  what changes unforetold (in part the caregiver's movements), most of all at random, a
  noisy TV's screen. That error is System M's ``noise`` meta-state: read cell by cell,
  it tells an unlearnable source from a room that is merely more varied, which novelty
  over the whole view cannot.
- *Reward head* ``r(z, a)``: the world model's guess of the extrinsic reward, used to
  score imagined trajectories.
- *Lexicon*: word-by-kind associations. Every heard word adds a little to every visible
  kind (cross-situational learning); in an episode M marks as communicative (eye contact
  or the caregiver's gaze or point on a toy, plus a name) the cued kind gets M's one-shot
  strength at once. The cross-situational evidence alone is also kept (``heard_with``):
  it is what the world says a word means, against which the caregiver's names are
  checked (trust).
- *Belief state*: a trace of past latents with time constant ``memory_span`` steps
  (:meth:`~infancy.infants.base.SystemA.remember`), per infant (``span``, which a
  curriculum or M may change): it keeps a toy that was seen and is now hidden.
"""

from __future__ import annotations

import copy

import torch
import torch.nn.functional as F

from .base import SystemA, Transitions, register_a
from .config import AConfig
from .nn import GroupAdam, GroupMLP, GroupObsNet, Obs, ObsEncoder, ema_per_infant

__all__ = ["JepaA"]


def _var(x: torch.Tensor, dim: int) -> torch.Tensor:
    """Unbiased variance along ``dim`` (torch's own ``var`` is slow across a strided
    axis on the CPU)."""
    d = x - x.mean(dim, keepdim=True)
    return d.pow(2).sum(dim) / max(1, x.shape[dim] - 1)


def _centred(x: torch.Tensor, w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``x[N, T, D]`` minus its mean over the rows where ``w[N, T]`` is 1 (other rows
    zero), and the count of those rows less one, ``[N, 1]`` (at least 1)."""
    count = w.sum(1)[:, None]
    mean = (x * w[..., None]).sum(1) / count.clamp_min(1.0)
    return (x - mean[:, None]) * w[..., None], (count - 1.0).clamp_min(1.0)


def _masked_var(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """Unbiased variance over time of ``x[N, T, D]``, counting the rows where
    ``w[N, T]`` is 1 (equal to :func:`_var` when every row counts)."""
    d, dof = _centred(x, w)
    return d.pow(2).sum(1) / dof


def _masked_cov_loss(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """VICReg's covariance term per infant, ``[N]``: the squared off-diagonal
    covariances over time of ``x[N, T, D]`` (rows where ``w[N, T]`` is 1), summed and
    divided by ``D`` (Bardes et al. 2022)."""
    d, dof = _centred(x, w)
    cov = d.transpose(1, 2) @ d / dof[..., None]  # [N, D, D]
    off = cov.pow(2).sum((1, 2)) - torch.diagonal(cov, dim1=1, dim2=2).pow(2).sum(1)
    return off / x.shape[-1]


@register_a("jepa")
class JepaA(SystemA):
    """The default System A (see the module docstring)."""

    def __init__(
        self,
        config: AConfig,
        n: int,
        spec: ObsEncoder,
        n_actions: int,
        n_words: int,
        n_kinds: int,
        generator: torch.Generator,
        grad_clip: float = 1.0,
    ) -> None:
        super().__init__()
        c = self.config = config
        self.n, self.k, self.n_actions = n, c.ensemble, n_actions
        self.latent = c.latent
        self.grad_clip = grad_clip
        self.encoder = GroupObsNet(n, spec, [c.hidden, c.latent], generator)
        self.target = copy.deepcopy(self.encoder).requires_grad_(False)
        head = [c.latent + n_actions, c.head_hidden]
        self.heads = GroupMLP(n * c.ensemble, [*head, c.latent], generator)
        self.reward_head = GroupMLP(n, [*head, 1], generator)
        rnd = [c.rnd_hidden, c.rnd_dim]
        self.rnd_target = GroupObsNet(n, spec, rnd, generator).requires_grad_(False)
        self.rnd = GroupObsNet(n, spec, rnd, generator)
        self.register_buffer("lexicon", torch.zeros(n, n_words + 1, n_kinds + 1))
        self.register_buffer("heard_with", torch.zeros(n, n_words + 1, n_kinds + 1))
        self.register_buffer("span", torch.full((n,), float(c.memory_span)))
        # Running scales: variance of the target latent and mean novelty, per infant.
        self.register_buffer("target_var", torch.ones(n))
        self.register_buffer("novelty_scale", torch.ones(n))
        self.register_buffer("updates", torch.zeros(n, dtype=torch.int64))  # per infant
        params = [
            *self.encoder.parameters(),
            *self.heads.parameters(),
            *self.reward_head.parameters(),
            *self.rnd.parameters(),
        ]
        self.opt = GroupAdam(params, n)
        # The heads also take extra cheap steps on the detached latent: the predictor
        # heads after every update (``head_updates``), both heads in offline
        # consolidation (refine()); each with its own moments.
        self.pred_opt = GroupAdam([*self.heads.parameters()], n)
        self.head_opt = GroupAdam([*self.heads.parameters(), *self.reward_head.parameters()], n)
        # The local still-view model (watch()), off by default. Its weights are drawn from
        # a generator of their own, so that turning it on leaves every other weight as
        # it was (and the infant's life differs only by what M makes of its signal).
        self.view_size, self.cell_embed = spec.view_size, spec.embed
        self.local = None
        if c.local_hidden:
            own = torch.Generator().manual_seed(int(generator.initial_seed()) + 1)
            sizes = [9 * spec.embed + n_actions, c.local_hidden, spec.embed]
            self.local = GroupMLP(n, sizes, own)
            # Born predicting no change: a random last layer read 3-8 on a scene where
            # nothing moved, and a trap on noise fired everywhere for the first chunks.
            with torch.no_grad():
                self.local.layers[-1].weight.zero_()
                self.local.layers[-1].bias.zero_()
            self.local_opt = GroupAdam([*self.local.parameters()], n)

    # ------------------------------------------------------------------ memory
    def memory_decay(self) -> torch.Tensor:
        # Read every step (the belief, the object file) but changed only when the span
        # is (set_memory_span, a checkpoint's load): kept until the span's version moves.
        # ~50 us of torch ops a step otherwise, about 3% of a lifetime.
        span = self.span
        key = (span._version, span.data_ptr())
        if self.__dict__.get("_decay_key") != key:
            # (a plain tensor even when first read under inference mode: it is used with
            # autograd on as well)
            with torch.inference_mode(False), torch.no_grad():
                decay = torch.where(span > 0, torch.exp(-1.0 / span.clamp_min(1e-6)), 0.0)
            self.__dict__["_decay"], self.__dict__["_decay_key"] = decay, key
        return self.__dict__["_decay"]

    def set_memory_span(self, span) -> None:
        """Set each infant's belief-state time constant (steps; ``float[N]`` or one
        number; 0: no memory)."""
        span = torch.as_tensor(span, dtype=torch.float32).expand(self.n)
        if bool((span < 0).any()):
            raise ValueError(f"span: expected steps >= 0, got {span.tolist()}")
        self.span.copy_(span)

    # ------------------------------------------------------------------ world model
    def encode(self, x: Obs) -> torch.Tensor:
        return self.encoder(x)

    def inference_mlp(self) -> GroupMLP:
        return self.encoder.mlp

    def _heads(self, z: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        """Predictions of every head, ``[N, K, T, Z]``."""
        n, t, _ = z.shape
        inp = torch.cat([z, F.one_hot(action, self.n_actions).float()], dim=-1)
        inp = inp[:, None].expand(n, self.k, t, inp.shape[-1]).reshape(n * self.k, t, -1)
        return self.heads(inp).view(n, self.k, t, -1)

    def predict(self, z: torch.Tensor, action: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        pred = self._heads(z, action).mean(1)
        inp = torch.cat([z, F.one_hot(action, self.n_actions).float()], dim=-1)
        return pred, self.reward_head(inp)[..., 0]

    def _errors(self, batch: Transitions, z: torch.Tensor, target: torch.Tensor | None = None):
        if target is None:
            with torch.no_grad():
                target = self.target(batch.x_next)
        preds = self._heads(z, batch.action)
        err = (preds - target[:, None]).pow(2).mean(-1)  # [N, K, T]
        return preds, target, err

    @torch.no_grad()
    def surprise(self, batch: Transitions) -> torch.Tensor:
        z = self.encoder(batch.x)
        _, _, err = self._errors(batch, z)
        return err.mean(1) / self.target_var[:, None]

    def learn(self, batch: Transitions, gate: torch.Tensor) -> dict[str, torch.Tensor]:
        valid = batch.valid.float()
        n_valid = valid.sum(1)
        # An infant with nothing valid to learn from (asleep, no memories) is gated off:
        # with a zero gradient, Adam's momentum alone would still move it.
        gate = gate * (n_valid > 0)
        step_ok = (batch.valid & ~batch.terminal).float()  # the next state is known
        count = step_ok.sum(1).clamp_min(1.0)
        z = self.encoder(batch.x)
        preds, target, err = self._errors(batch, z)
        err_t = err.mean(1)  # [N, T]
        pred_loss = (err_t * step_ok).sum(1) / count
        # Variance hinge (VICReg): each latent dimension keeps a spread across time.
        std = (_masked_var(z, valid) + 1e-4).sqrt()
        var_loss = F.relu(1.0 - std).mean(-1)
        inp = torch.cat([z, F.one_hot(batch.action, self.n_actions).float()], dim=-1)
        r_hat = self.reward_head(inp)[..., 0]
        reward_loss = self._reward_loss(r_hat, batch.reward, valid)
        with torch.no_grad():
            rnd_t = self.rnd_target(batch.x)
        nov = (self.rnd(batch.x) - rnd_t).pow(2).mean(-1)  # [N, T]
        rnd_loss = (nov * valid).sum(1) / n_valid.clamp_min(1.0)
        loss = pred_loss + self.config.variance_weight * var_loss + reward_loss + rnd_loss
        if self.config.covariance_weight > 0:
            loss = loss + self.config.covariance_weight * _masked_cov_loss(z, valid)
        if bool((gate > 0).any()):  # else only the signals (a cohort asleep: 2/3 of the cost)
            self.opt.zero_grad()
            loss.sum().backward()
            self.opt.step(self.config.lr * gate, self.grad_clip)
            self._refine_heads(batch, gate, step_ok, valid, self.config.head_updates, False)
        with torch.no_grad():
            self._update_target(gate)
            # The running scales move only for infants that learned from this batch.
            on = gate > 0
            tv = _masked_var(target, valid).mean(-1).clamp_min(1e-4)
            nv = rnd_loss.detach().clamp_min(1e-6)
            keep = torch.where(self.updates > 0, 0.9, 0.0)  # the first batch sets them
            self.target_var.copy_(
                torch.where(on, keep * self.target_var + (1 - keep) * tv, self.target_var)
            )
            self.novelty_scale.copy_(
                torch.where(on, keep * self.novelty_scale + (1 - keep) * nv, self.novelty_scale)
            )
            self.updates += on
            norm_err = err_t / self.target_var[:, None]
            spread = _var(preds, 1).mean(-1) / self.target_var[:, None]
            return {
                "prediction_error": (norm_err * step_ok).sum(1) / count,
                "uncertainty": (spread * step_ok).sum(1) / count,
                "novelty": rnd_loss.detach() / self.novelty_scale,
                "error_sample": norm_err,
                "novelty_sample": nov / self.novelty_scale[:, None],
                "loss": loss.detach(),
            }

    @property
    def watches(self) -> bool:
        return self.local is not None

    def watch(self, before, x, x_next, action, still, gate):
        """The local still-view model (``local_hidden`` > 0): from how each view cell
        and its eight neighbours (zero beyond the view's edge) changed over the step
        before, and the action, how the cell changes over this one. It reads changes, not
        contents: a toy that stays put reads as no change whether or not it was ever
        seen, so a new room or a new toy standing in it is not noise; a screen of random
        colours leaves an error it cannot learn away. So do, in part, other changes
        that the change before does not foretell: the caregiver turning her head or
        walking (the window does not see which way), a toy handed or hidden, the
        infant's own reach, content entering at the view's edge. The error is read
        before this update."""
        if self.local is None:
            return None
        n, t = action.shape
        v, e = self.view_size, self.cell_embed
        moved = F.pad((x.cells - before.cells).reshape(n * t, v, v, e), (0, 0, 1, 1, 1, 1))
        # Each cell with its 3 x 3 neighbourhood, by nine shifted slices (F.unfold's
        # im2col was 50 ms a call here).
        around = torch.cat(
            [moved[:, i : i + v, j : j + v] for i in range(3) for j in range(3)], -1
        ).reshape(n, t * v * v, e * 9)
        act = F.one_hot(action, self.n_actions).float()[:, :, None]
        act = act.expand(n, t, v * v, self.n_actions).reshape(n, t * v * v, -1)
        change = (x_next.cells - x.cells).reshape(n, t * v * v, e)
        pred = self.local(torch.cat([around, act], -1))
        err = (pred - change).pow(2).sum(-1).view(n, t, v * v).sum(-1)  # [N, T]
        w = still.float()
        count = w.sum(1)
        gate = gate * (count > 0)  # nothing still: no update (momentum alone would move)
        if bool((gate > 0).any()):
            loss = (err * w).sum(1) / count.clamp_min(1.0)
            self.local_opt.zero_grad()
            loss.sum().backward()
            self.local_opt.step(self.config.lr * gate, self.grad_clip)
        return err.detach() * w

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # Checkpoints before per-infant update counts hold one count for the cohort.
        key = prefix + "updates"
        if key in state_dict and state_dict[key].numel() == 1 and self.n > 1:
            state_dict[key] = state_dict[key].expand(self.n).clone()
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def _reward_loss(self, r_hat, reward, valid) -> torch.Tensor:
        # Rewards are rare: a transition that had one weighs up to ``reward_weight``
        # others, so the head does not learn to predict zero everywhere.
        rewarded = (reward != 0).float() * valid
        ratio = valid.sum(1, keepdim=True) / rewarded.sum(1, keepdim=True).clamp_min(1)
        w = valid + rewarded * ratio.clamp(max=self.config.reward_weight)
        return ((r_hat - reward).pow(2) * w).sum(1) / w.sum(1).clamp_min(1.0)

    def refine(self, batch: Transitions, gate: torch.Tensor, steps: int) -> None:
        """``steps`` updates of the predictor and reward heads alone, the encoder fixed
        (offline consolidation: the world model catches up with the latent at a fraction
        of the cost of a full update)."""
        valid = batch.valid.float()
        step_ok = (batch.valid & ~batch.terminal).float()
        # As in learn(): nothing valid to learn from, no update (momentum alone would move).
        self._refine_heads(batch, gate * batch.valid.any(1), step_ok, valid, steps, True)

    def _refine_heads(self, batch, gate, step_ok, valid, steps: int, with_reward: bool) -> None:
        """``steps`` updates of the heads alone on the detached latent. After each
        :meth:`learn` (``head_updates`` steps, ``with_reward`` False) only the predictor
        heads take them, so that they keep up with the latent; the reward head does not:
        fitted again and again to one batch, it saw rewards where there were none, and B,
        imitating imagined successes in sleep, learned the reach worse (share succeeding
        after 3,072 acting steps in reach-v0, 16 infants, seed 1: 0.70 against 1.00;
        docs/measurements.md, 2026-12-03). Offline consolidation (:meth:`refine`,
        ``with_reward`` True) updates both, with their own optimiser."""
        if steps == 0:
            return
        with torch.no_grad():
            z = self.encoder(batch.x)
            target = self.target(batch.x_next)
            onehot = F.one_hot(batch.action, self.n_actions).float() if with_reward else None
        count = step_ok.sum(1).clamp_min(1.0)
        for _ in range(steps):
            _, _, err = self._errors(batch, z, target)
            loss = (err.mean(1) * step_ok).sum(1) / count
            if with_reward:
                r_hat = self.reward_head(torch.cat([z, onehot], -1))[..., 0]
                loss = loss + self._reward_loss(r_hat, batch.reward, valid)
            opt = self.head_opt if with_reward else self.pred_opt
            opt.zero_grad()
            loss.sum().backward()
            opt.step(self.config.lr * gate, self.grad_clip)

    @torch.no_grad()
    def _update_target(self, gate: torch.Tensor) -> None:
        # An infant whose gate is shut keeps its target too (nothing of it changes).
        rate = torch.where(gate > 0, 1.0 - self.config.ema, 0.0)
        ema_per_infant(self.target.parameters(), self.encoder.parameters(), rate, self.n)

    # ------------------------------------------------------------------ words
    @torch.no_grad()
    def learn_words(
        self,
        word: torch.Tensor,
        visible: torch.Tensor,
        cued: torch.Tensor,
        communicative: torch.Tensor,
        strength: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``word[N, T]`` (0 none), ``visible``/``cued`` ``float[N, T, K+1]`` multi-hot
        kinds, ``communicative[N, T]`` bool, ``strength[N]`` one-shot strength."""
        n, t = word.shape
        heard = word > 0
        # Evidence for trust comes from the world, not from the caregiver's own lessons:
        # a name proves right when it agrees with what the word has co-occurred with
        # (the cross-situational table), where that table is sure of the word.
        known = self._comprehends(self.heard_with)
        best = self.heard_with.argmax(-1)  # [N, W]
        ncued = cued.sum(-1)
        # Evidence for trust: a word the infant knows, said with one toy cued.
        checkable = heard & (ncued == 1)
        idx_n = torch.arange(n)[:, None].expand(n, t)
        word_known = known[idx_n, word] & checkable
        cued_kind = cued.argmax(-1)
        right = (word_known & (best[idx_n, word] == cued_kind)).sum(1).float()
        wrong = (word_known & (best[idx_n, word] != cued_kind)).sum(1).float()
        # Cross-situational: a little to every visible kind, shared among them.
        nvis = visible.sum(-1, keepdim=True).clamp_min(1.0)
        delta = self.config.word_rate * visible / nvis
        rows = (idx_n * self.lexicon.shape[1] + word).reshape(-1)
        seen = (delta * heard[..., None]).reshape(-1, delta.shape[-1])
        self.heard_with.view(-1, self.heard_with.shape[2]).index_add_(0, rows, seen)
        self.heard_with[:, 0] = 0.0
        one_shot = communicative & heard & (ncued > 0)
        delta = (
            delta
            + (one_shot[..., None] * strength[:, None, None])
            * cued
            / ncued.clamp_min(1.0)[..., None]
        )
        delta = delta * heard[..., None]
        flat = self.lexicon.view(-1, self.lexicon.shape[2])
        flat.index_add_(0, rows, delta.reshape(-1, delta.shape[-1]))
        self.lexicon[:, 0] = 0.0  # "no word" learns nothing
        return right, wrong

    @torch.no_grad()
    def comprehends(self) -> torch.Tensor:
        return self._comprehends(self.lexicon)

    def _comprehends(self, table: torch.Tensor) -> torch.Tensor:
        lex = table[:, :, 1:]  # kind 0 is "no toy"
        top = lex.topk(2, dim=-1).values
        ok = (top[..., 0] >= self.config.comprehension_threshold) & (
            top[..., 0] >= self.config.comprehension_margin * top[..., 1]
        )
        ok[:, 0] = False
        return ok

    def associations(self) -> torch.Tensor:
        return self.lexicon

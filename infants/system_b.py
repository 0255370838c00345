"""System B, ``ppo``: an actor-critic on A's latent, trained with PPO and GAE.

Each infant has its own actor-critic (one trunk, a policy head and a value head).
B reads the cohort's state: A's latent, A's belief state and the word cue. Rewards
arrive already mixed by System M (extrinsic plus ``intrinsic_weight`` times A's
novelty). Imagined trajectories that succeeded (an imagined reward reached
``imagine_success``) teach the policy by advantage-weighted imitation, and the critic
by regression on the imagined returns. Remembered rewarded steps are relived in sleep
and imagination (rehearsal, against forgetting).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from numba import njit

from .base import SystemB, register_b
from .config import BConfig
from .nn import GroupAdam, GroupMLP, _sample_row

__all__ = ["PpoB", "gae"]


def gae(
    reward: torch.Tensor,
    value: torch.Tensor,
    done: torch.Tensor,
    last_value: torch.Tensor,
    gamma: float,
    lam: float,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Generalised advantage estimates and returns for ``[N, T]`` rollouts."""
    value = value.detach().float().contiguous()
    adv = np.empty(tuple(reward.shape), dtype=np.float32)
    _gae(
        reward.detach().float().contiguous().numpy(),
        value.numpy(),
        done.detach().float().contiguous().numpy(),
        last_value.detach().float().contiguous().numpy(),
        gamma,
        lam,
        adv,
    )
    adv_t = torch.from_numpy(adv)
    return adv_t, adv_t + value


@njit(cache=True, nogil=True)
def _gae(reward, value, done, last_value, gamma, lam, adv) -> None:
    # The backward recursion, one loop (as torch ops it was ~6 ops per time step).
    g = np.float32(gamma)
    gl = np.float32(gamma * lam)
    n, t = reward.shape
    for b in range(n):
        running = np.float32(0.0)
        next_value = last_value[b]
        for i in range(t - 1, -1, -1):
            alive = np.float32(1.0) - done[b, i]
            delta = reward[b, i] + g * next_value * alive - value[b, i]
            running = delta + gl * alive * running
            adv[b, i] = running
            next_value = value[b, i]


@njit(cache=True, nogil=True)
def _sample(logits, draws, action, logp) -> None:
    # One loop instead of ~10 torch ops, whose dispatch cost more than the sampling at
    # a cohort's size (the draws are torch's, see _sample_row).
    for i in range(logits.shape[0]):
        action[i], logp[i] = _sample_row(logits[i], draws[i])


@register_b("ppo")
class PpoB(SystemB):
    """The default System B (see the module docstring)."""

    def __init__(
        self,
        config: BConfig,
        n: int,
        latent: int,
        n_actions: int,
        generator: torch.Generator,
        grad_clip: float = 1.0,
    ) -> None:
        super().__init__()
        c = self.config = config
        self.n, self.n_actions, self.grad_clip = n, n_actions, grad_clip
        # One trunk, two heads: outputs are the action logits, then the value.
        self.net = GroupMLP(n, [latent, c.hidden, n_actions + 1], generator)
        with torch.no_grad():  # a small last layer: the first policy is close to uniform
            self.net.layers[-1].weight.mul_(0.01)
            self.net.layers[-1].bias.zero_()
        self.opt = GroupAdam(list(self.net.parameters()), n)

    def inference_mlp(self) -> GroupMLP:
        return self.net

    @property
    def discount(self) -> float:
        return self.config.gamma

    def evaluate(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.net(z)
        if self.prior is None:
            return out[..., :-1], out[..., -1]
        return out[..., :-1] + self.prior(z), out[..., -1]

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """:meth:`evaluate` (``b(z)``)."""
        return self.evaluate(z)

    @torch.no_grad()
    def act(self, z: torch.Tensor, generator: torch.Generator):
        logits, value = self.evaluate(z[:, None])
        n = logits.shape[0]
        draws = torch.empty(n, self.n_actions).exponential_(1.0, generator=generator)
        action = np.empty(n, dtype=np.int64)
        logp = np.empty(n, dtype=np.float32)
        _sample(np.ascontiguousarray(logits[:, 0].numpy()), draws.numpy(), action, logp)
        return torch.from_numpy(action), torch.from_numpy(logp), value[:, 0]

    def _update(self, loss: torch.Tensor, gate: torch.Tensor) -> None:
        self.opt.zero_grad()
        loss.sum().backward()
        self.opt.step(self.config.lr * gate, self.grad_clip)

    def learn(self, rollout: dict[str, torch.Tensor], gate: torch.Tensor) -> dict[str, Any]:
        """PPO on ``rollout`` (``z, action, logp, value, reward, done`` as ``[N, T]``
        tensors and ``last_value[N]``)."""
        c = self.config
        z = rollout["z"].detach()
        adv, ret = gae(
            rollout["reward"],
            rollout["value"],
            rollout["done"],
            rollout["last_value"],
            c.gamma,
            c.lam,
        )
        adv_n = (adv - adv.mean(1, keepdim=True)) / (adv.std(1, keepdim=True) + 1e-6)
        action = rollout["action"]
        stats: dict[str, Any] = {}
        for _ in range(c.epochs):
            logits, value = self.evaluate(z)
            logp_all = torch.log_softmax(logits, -1)
            logp = logp_all.gather(-1, action[..., None])[..., 0]
            ratio = (logp - rollout["logp"]).exp()
            pg = -torch.min(ratio * adv_n, ratio.clamp(1 - c.clip, 1 + c.clip) * adv_n).mean(1)
            v_loss = (value - ret).pow(2).mean(1)
            each = -(logp_all.exp() * logp_all).sum(-1)
            entropy = each.mean(1)
            loss = pg + c.value_weight * v_loss - c.entropy * entropy
            if c.entropy_floor > 0:
                # Only the states whose policy has collapsed below the floor.
                short = (c.entropy_floor - each).clamp_min(0.0).mean(1)
                loss = loss + c.entropy_floor_weight * short
            self._update(loss, gate)
            stats = {"policy_loss": pg.detach(), "value_loss": v_loss.detach(), "entropy": entropy}
        return stats

    def learn_replayed(
        self, replayed: dict[str, torch.Tensor], gate: torch.Tensor
    ) -> dict[str, Any]:
        """Rehearsal on remembered steps ``z[N, S, D]`` (states), ``action[N, S]``,
        ``reward[N, S]`` (the step's reward, or its credit with
        ``memory.credit_steps``), ``valid[N, S]``: the action of a rewarded step is
        imitated in proportion to its reward, and the critic's value there is raised to
        at least the reward (a lower bound of the step's return). Unlike self-imitation gated
        by the advantage, this keeps a skill whose value new practice elsewhere still
        props up while its actions drift (tests/infants/test_development.py)."""
        c = self.config
        z = replayed["z"].detach()
        logits, value = self.evaluate(z)
        logp = torch.log_softmax(logits, -1).gather(-1, replayed["action"][..., None])[..., 0]
        reward = replayed["reward"]
        good = (reward > 0) & replayed["valid"]
        weight = reward.clamp_min(0.0) * good
        count = good.sum(1).clamp_min(1)
        pg = -(weight * logp).sum(1) / count
        v_loss = ((reward - value).clamp_min(0.0) * good).pow(2).sum(1) / count
        self._update(pg + c.value_weight * v_loss, gate * c.replay_weight)
        return {"replayed_policy_loss": pg.detach(), "replayed_rewarded": good.float().mean(1)}

    def learn_imagined(
        self, imagined: dict[str, torch.Tensor], gate: torch.Tensor
    ) -> dict[str, Any]:
        """``z[N, S, H, Z]``, ``action[N, S, H]``, ``ret[N, S, H]`` (imagined returns
        to go), ``alive[N, S, H]`` (steps up to the imagined episode's end) and
        ``success[N, S]``: imitate the successful trajectories, weighted by
        their advantage, and regress the critic on every imagined return."""
        c = self.config
        z = imagined["z"].detach()
        n, s, h, d = z.shape
        logits, value = self.evaluate(z.reshape(n, s * h, d))
        logp = torch.log_softmax(logits, -1).gather(-1, imagined["action"].reshape(n, s * h, 1))
        logp = logp[..., 0].view(n, s, h)
        value = value.view(n, s, h)
        ret = imagined["ret"].detach()
        alive = imagined["alive"].float()
        good = imagined["success"].float()[..., None] * alive
        weight = good * (ret - value).detach().clamp_min(0.0)
        pg = -(weight * logp).sum((1, 2)) / good.sum((1, 2)).clamp_min(1.0)
        v_loss = (F.mse_loss(value, ret, reduction="none") * alive).sum((1, 2)) / alive.sum(
            (1, 2)
        ).clamp_min(1.0)
        # Adam makes a step's size independent of the loss's scale, so the weight of
        # imagination is a learning-rate factor, not a loss factor.
        self._update(pg + c.imagined_value_weight * v_loss, gate * c.imagined_weight)
        return {"imagined_policy_loss": pg.detach(), "imagined_value_loss": v_loss.detach()}

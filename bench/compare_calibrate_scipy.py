"""riskscale.calibrate next to scipy.optimize.minimize(method="L-BFGS-B") over numpy, one run.

10^5 labelled accounts (a planted policy's archetypes, 5 % flipped), the default fit (risk and
scale thresholds, the four risk weights, the scale weights), L2 strength 1 toward the SPEC
defaults. The peer minimises the same objective, (−Σ log membership_label + λ/2 Σ(θ−θ₀)²)/N,
with the same analytic gradient, in numpy. Reported: the time of one fit each, the time of
calibrate with 5 folds (6 fits + classification) against 6 scipy fits, and the log-likelihood
of each optimum.

    /usr/bin/python3 bench/compare_calibrate_scipy.py [--rows 100000]   (PYTHONPATH=build/python)
"""
import argparse
import time

import numpy as np

import machine  # bench/machine.py: the CPU, load, numpy SIMD and kernel copy of this run
import pandas as pd
from scipy.optimize import minimize

import riskscale

FACTORS = ["sensitive_data", "org_disruption", "physical_safety", "legal_exposure"]


def data(n, seed=1):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({f: rng.random(n) ** 3 for f in FACTORS})
    frame["active_days"] = 31 * rng.random(n)
    frame["users"] = np.floor(np.expm1(rng.random(n) * np.log1p(1e4)))
    planted = riskscale.Policy.from_dict({
        "version": 1, "risk_threshold": 0.4, "scale_threshold": 0.6,
        "risk_weights": {"sensitive_data": 0.6, "org_disruption": 0.75, "physical_safety": 0.5, "legal_exposure": 0.95},
        "scale_weights": {"frequency": 0.6, "reach": 0.4}})
    labels = riskscale.classify(frame, planted)["archetype"].astype(str).to_numpy().copy()
    for i in np.flatnonzero(rng.random(n) < 0.05):
        labels[i] = riskscale.ARCHETYPES[(riskscale.ARCHETYPES.index(labels[i]) + 1 + rng.integers(3)) % 4]
    frame["label"] = labels
    return frame


def log_sigmoid(z):
    return np.where(z >= 0, -np.log1p(np.exp(-np.abs(z))), z - np.log1p(np.exp(-np.abs(z))))


def sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


def peer_objective(frame, l2=1.0, tau=0.1, frequency_full=20.0, reach_full=1000.0):
    x = frame[FACTORS].to_numpy().T
    f = np.clip(frame["active_days"].to_numpy() / frequency_full, 0, 1)
    r = np.clip(np.log1p(frame["users"].to_numpy()) / np.log1p(reach_full), 0, 1)
    labels = frame["label"].to_numpy()
    risk_sign = np.where(np.char.endswith(labels.astype(str), "high_risk"), 1.0, -1.0)
    scale_sign = np.where(np.char.startswith(labels.astype(str), "high_scale"), 1.0, -1.0)
    n = len(frame)
    centre = np.array([0.5, 0.5, 0.8, 0.5, 1.0, 0.9, 0.4])
    positive = (f > 0) & (r > 0)
    log_fr = np.where(positive, np.log(np.where(f > 0, f, 1)) - np.log(np.where(r > 0, r, 1)), 0.0)

    def log_likelihood(theta, gradient=False):
        t_r, t_s, w, a = theta[0], theta[1], theta[2:6], theta[6]
        keep = 1 - w[:, None] * x
        product = keep.prod(axis=0)
        risk = 1 - product
        scale = np.power(f, a) * np.power(r, 1 - a)
        zr, zs = (risk - t_r) / tau, (scale - t_s) / tau
        ll = log_sigmoid(risk_sign * zr).sum() + log_sigmoid(scale_sign * zs).sum()
        if not gradient:
            return ll, None
        dzr = risk_sign * sigmoid(-risk_sign * zr) / tau
        dzs = scale_sign * sigmoid(-scale_sign * zs) / tau
        g = np.empty(7)
        g[0], g[1] = -dzr.sum(), -dzs.sum()
        for i in range(4):
            others = np.prod(np.delete(keep, i, axis=0), axis=0)
            g[2 + i] = (dzr * x[i] * others).sum()
        g[6] = (dzs * scale * log_fr).sum()
        return ll, g

    def objective(theta):
        ll, g = log_likelihood(theta, True)
        step = theta - centre
        return (-ll + 0.5 * l2 * step @ step) / n, (-g + l2 * step) / n

    bounds = [(1e-6, 1 - 1e-6)] * 2 + [(0.0, 1.0)] * 5
    return objective, log_likelihood, centre, bounds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    machine.print_machine()
    frame = data(args.rows)
    objective, log_likelihood, centre, bounds = peer_objective(frame)

    riskscale.calibrate(frame.head(1000), label="label", folds=0)  # warm-up
    t, c = time.perf_counter(), time.process_time()
    one = riskscale.calibrate(frame, label="label", folds=0)
    ours_one, ours_one_cpu = time.perf_counter() - t, time.process_time() - c
    t = time.perf_counter()
    five = riskscale.calibrate(frame, label="label", folds=5)
    ours_five = time.perf_counter() - t

    t, c = time.perf_counter(), time.process_time()
    peer = minimize(objective, centre, jac=True, method="L-BFGS-B", bounds=bounds,
                    options={"ftol": 1e-15, "gtol": 1e-9, "maxiter": 500})
    peer_one, peer_one_cpu = time.perf_counter() - t, time.process_time() - c
    peer_ll, _ = log_likelihood(peer.x)
    ours_ll = one.report["log_likelihood"]["fitted"]
    p = one.policy
    ours_theta = np.array([p.risk_threshold, p.scale_threshold, *[p.risk_weights[f] for f in FACTORS],
                           one.parameters.loc["scale_weights.frequency", "after"]])
    print(f"rows {args.rows}")
    print(f"riskscale.calibrate, 1 fit:         {ours_one:.3f} s, {one.report['iterations']} iterations, "
          f"log-likelihood {ours_ll:.9f}")
    print(f"scipy L-BFGS-B over numpy, 1 fit:   {peer_one:.3f} s, {peer.nit} iterations, log-likelihood {peer_ll:.9f}")
    print(f"ratio (1 fit): wall {peer_one / ours_one:.1f}x, CPU {peer_one_cpu / ours_one_cpu:.1f}x "
          f"(riskscale {ours_one_cpu:.3f} s CPU, scipy {peer_one_cpu:.3f} s CPU)")
    print(f"riskscale.calibrate, 5 folds:       {ours_five:.3f} s; scipy, 6 fits (estimated 6 x 1 fit): "
          f"{6 * peer_one:.3f} s; ratio {6 * peer_one / ours_five:.1f}x")
    print(f"log-likelihood difference: {ours_ll - peer_ll:.3e} (per account {(ours_ll - peer_ll) / args.rows:.3e})")
    print(f"max |theta difference|: {np.max(np.abs(ours_theta - peer.x)):.3e}")


if __name__ == "__main__":
    main()

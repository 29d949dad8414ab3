"""Write the synthetic metric tables of the report's Onboarding and lifecycle section.

Usage, from this directory (Python 3 standard library only; the output is byte-identical)::

    riskscale classify accounts.csv --keep seats,users -o /tmp/classified.csv
    python3 generate_metrics.py /tmp/classified.csv

It reads each account's archetype, seats and users from the classify output and writes, with a
fixed seed:

- ``metrics_adoption.csv``: account_id, archetype, seats, trained, active per account (2,400);
  high-risk archetypes train more of their seats, high-scale ones activate more.
- ``metrics_funnel.csv``: cohort, archetype, invited, logged_in, finished_course, certified, one row
  per monthly cohort and archetype (6 x 4).
- ``metrics_enrolments.csv``: course, archetype, completed, assessment_passed, days_to_completion,
  one row per enrolment (every third account enrols in one of three courses).
- ``metrics_channels.csv``: channel, period, archetype, interactions, posts, followers (forum and
  webinar community channels, 3 months, 4 archetypes).
- ``metrics_impact.csv``: account_id, archetype, onboarding_completed, renewed, expanded for the 320
  accounts up for renewal; completed onboarding raises the renewal chance. Almost every
  high_scale_low_risk account completed, so its "not completed" side is a small group.
"""
import csv
import random
import sys

rng = random.Random(20)
HIGH_RISK = {"high_scale_high_risk", "low_scale_high_risk"}
HIGH_SCALE = {"high_scale_high_risk", "high_scale_low_risk"}
ARCHETYPES = ["high_scale_high_risk", "high_scale_low_risk", "low_scale_high_risk", "low_scale_low_risk"]


def write(name, header, rows):
    with open(name, "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)


def main(classified):
    with open(classified, newline="") as f:
        accounts = [r for r in csv.DictReader(f) if r["archetype"]]
    adoption = []
    for a in accounts:
        seats = max(int(float(a["seats"] or a["users"] or 1)), 1)
        trained = round(seats * min(1.0, rng.uniform(0.55, 0.95) if a["archetype"] in HIGH_RISK else rng.uniform(0.2, 0.7)))
        active = round(seats * min(1.0, rng.uniform(0.5, 0.9) if a["archetype"] in HIGH_SCALE else rng.uniform(0.15, 0.6)))
        adoption.append([a["account_id"], a["archetype"], seats, trained, active])
    write("metrics_adoption.csv", ["account_id", "archetype", "seats", "trained", "active"], adoption)

    funnel = []
    for month in range(1, 7):
        for k, archetype in enumerate(ARCHETYPES):
            invited = rng.randint(80, 160)
            logged_in = round(invited * rng.uniform(0.7, 0.95))
            finished = round(logged_in * (rng.uniform(0.55, 0.8) if archetype in HIGH_RISK else rng.uniform(0.3, 0.55)))
            certified = round(finished * rng.uniform(0.6, 0.9))
            funnel.append([f"2026-{month:02d}", archetype, invited, logged_in, finished, certified])
    write("metrics_funnel.csv", ["cohort", "archetype", "invited", "logged_in", "finished_course", "certified"], funnel)

    enrolments = []
    for i, a in enumerate(accounts):
        if i % 3:
            continue
        course = ["admin-101", "security-201", "workflows-110"][rng.randrange(3)]
        completed = rng.random() < (0.8 if a["archetype"] in HIGH_RISK else 0.55)
        passed = "" if not completed or rng.random() < 0.2 else int(rng.random() < 0.85)
        days = rng.randint(3, 40) if completed else ""
        enrolments.append([course, a["archetype"], int(completed), passed, days])
    write("metrics_enrolments.csv", ["course", "archetype", "completed", "assessment_passed", "days_to_completion"],
          enrolments)

    channels = []
    for channel in ["forum", "webinar"]:
        for month in range(9, 12):
            for archetype in ARCHETYPES:
                followers = rng.randint(200, 900)
                posts = rng.randint(4, 20)
                interactions = round(posts * followers * rng.uniform(0.002, 0.02))
                channels.append([channel, f"2026-{month:02d}", archetype, interactions, posts, followers])
    write("metrics_channels.csv", ["channel", "period", "archetype", "interactions", "posts", "followers"], channels)

    impact = []
    for a in rng.sample(accounts, 320):
        p_done = 0.97 if a["archetype"] == "high_scale_low_risk" else 0.6
        done = rng.random() < p_done
        renewed = rng.random() < (0.9 if done else 0.7)
        expanded = renewed and rng.random() < (0.35 if done else 0.2)
        impact.append([a["account_id"], a["archetype"], int(done), int(renewed), int(expanded)])
    impact.sort()
    write("metrics_impact.csv", ["account_id", "archetype", "onboarding_completed", "renewed", "expanded"], impact)


if __name__ == "__main__":
    main(sys.argv[1])

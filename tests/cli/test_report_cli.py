"""`riskscale report`: the portfolio report and the welcome pack as one self-contained HTML file,
checked in a real browser (Debian's headless Chromium): its DOM has every section with the numbers
`riskscale summary` and `riskscale drift` print, its screenshot is not blank, it requests no URL,
and the welcome pack prints to a PDF of several A4 pages."""
import html.parser
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA = REPO_ROOT / "examples" / "data"
GOALS = REPO_ROOT / "examples" / "goals" / "goals.json"
ARCHETYPES = ["high_scale_high_risk", "high_scale_low_risk", "low_scale_high_risk", "low_scale_low_risk"]
START = "2027-01-04"
# The bundled metric tables (examples/data/generate_metrics.py), as --metrics KIND=FILE.
METRIC_FILES = {"adoption": "metrics_adoption.csv", "funnel": "metrics_funnel.csv", "program": "metrics_enrolments.csv",
                "interaction": "metrics_channels.csv", "impact": "metrics_impact.csv"}
METRICS = [arg for kind, name in METRIC_FILES.items() for arg in ("--metrics", f"{kind}={DATA / name}")]
# HTML elements that have no end tag.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Flags that keep headless Chromium from reaching the network by itself (updates, sign-in, metrics),
# and a resolver and proxy that fail every remote request the page might still make.
QUIET = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--disable-client-side-phishing-detection",
         "--disable-domain-reliability", "--no-pings", "--hide-scrollbars",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9"]


def tool(name):
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed; scripts/install-deps.sh installs it (Debian package "
                    f"{'chromium' if name == 'chromium' else 'poppler-utils'})")
    return path


def browse(folder, page, *args):
    """Runs headless Chromium once on `page` with a fresh profile and a net-log; returns the completed
    process and the URLs the page itself requested (the requests whose top frame is the file)."""
    chromium = tool("chromium")
    net_log = folder / "net-log.json"
    profile = folder / "profile"
    done = subprocess.run([chromium, *QUIET, f"--user-data-dir={profile}", f"--log-net-log={net_log}", *args,
                           page.as_uri()], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    log = json.loads(net_log.read_text())
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    requested = []
    for event in log["events"]:
        params = event.get("params") or {}
        if names.get(event["type"]) != "URL_REQUEST_START_JOB" or "url" not in params:
            continue
        # The browser's own background requests have no initiator; the page's carry its file:// site.
        if params.get("initiator") != "not an origin" or "file://" in params.get("network_isolation_key", ""):
            requested.append(params["url"])
    shutil.rmtree(profile, ignore_errors=True)
    return done, requested


class Structure(html.parser.HTMLParser):
    """Checks that every element is closed in order and collects ids, section ids and table cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open, self.errors, self.ids, self.sections = [], [], [], []
        self.archetype_row, self.cell_class, self.counts = None, None, {}
        self.matrix, self.cell_key = {}, None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "section":
            self.sections.append(attributes.get("id"))
        if tag == "tr" and "data-archetype" in attributes:
            self.archetype_row = attributes["data-archetype"]
        if tag == "td":
            self.cell_class = attributes.get("class", "")
            if "data-row" in attributes:
                self.cell_key = (attributes["data-row"], attributes["data-column"])
        if tag not in VOID:
            self.open.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.open or self.open[-1][0] != tag:
            self.errors.append(f"</{tag}> at {self.getpos()} closes {self.open[-1] if self.open else 'nothing'}")
            return
        self.open.pop()
        if tag == "tr":
            self.archetype_row = None
        if tag == "td":
            self.cell_class, self.cell_key = None, None

    def handle_data(self, data):
        number = data.strip().replace(",", "")
        if self.archetype_row and self.cell_class == "n count" and number.isdigit():
            self.counts[self.archetype_row] = int(number)
        if self.cell_key and number.isdigit():
            self.matrix[self.cell_key] = int(number)


def structure_of(text):
    parser = Structure()
    parser.feed(text)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def sample_report(run, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    out = folder / "report.html"
    done = run("report", DATA / "accounts.csv", "--previous", DATA / "accounts_previous.csv", "--start", START,
               "--goals", GOALS, *METRICS, "-o", out)
    assert done.returncode == 0, done.stderr
    return out


def summary_counts(run, accounts):
    done = run("summary", accounts, "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def test_dom_has_every_section_with_the_summary_and_drift_numbers(run, sample_report, tmp_path):
    done, requested = browse(tmp_path, sample_report, "--dump-dom")
    assert requested == []
    dom = done.stdout.decode()
    page = structure_of(dom)
    assert page.sections == ["summary", "goals", "portfolio", "talk", "movement", "lifecycle", "journeys"]
    expected = summary_counts(run, DATA / "accounts.csv")
    assert page.counts == {a: expected["archetypes"][a]["accounts"] for a in ARCHETYPES}
    assert f'id="borderline-count">{expected["borderline"]:,}<' in dom
    assert f'id="rejected-count">{expected["rejected"]}<' in dom
    # The transition matrix is `riskscale drift --matrix`'s, cell for cell.
    matrix_csv = tmp_path / "matrix.csv"
    drift = run("drift", DATA / "accounts_previous.csv", DATA / "accounts.csv", "-o", tmp_path / "drift.csv",
                "--matrix", matrix_csv)
    assert drift.returncode == 0, drift.stderr
    lines = matrix_csv.read_text().splitlines()
    columns = lines[0].split(",")[1:]
    want = {}
    for line in lines[1:]:
        cells = line.split(",")
        for column, value in zip(columns, cells[1:]):
            want[(cells[0], column)] = int(value)
    assert page.matrix == want
    # The closest accounts are the summary's watch list, in its order.
    closest = re.search(r'<table id="closest">.*?</table>', dom, re.S).group(0)
    ids = re.findall(r"<tr><td>([^<]+)</td>", closest)
    assert ids == [entry["account_id"] for entry in expected["closest_to_threshold"]]
    # The goals: borderline share 26.3 % (the summary's 631 of 2,400) against at most 25 %: not met.
    goals = re.search(r'<table id="goal-table">.*?</table>', dom, re.S).group(0)
    share = 100 * expected["borderline"] / expected["accounts"]
    assert (f"<td>borderline_share</td><td class=\"n\">{share:.1f}%</td><td class=\"n\">at most 25.0%</td>"
            f"<td class=\"flag\">not met</td>") in goals
    # Every chart has a title, a description and axis labels.
    for svg in re.findall(r"<svg .*?</svg>", dom, re.S):
        assert "<title" in svg and "<desc" in svg, svg[:200]


def test_screenshot_is_not_blank(sample_report, tmp_path):
    from PIL import Image, ImageStat

    png = tmp_path / "report.png"
    browse(tmp_path, sample_report, f"--screenshot={png}", "--window-size=1280,1800")
    image = Image.open(png).convert("L")
    assert image.size == (1280, 1800)
    variance = ImageStat.Stat(image).var[0]
    assert variance > 100, variance  # a blank page has none; this one has text, tables and charts
    # Dark pixels (text, chart cells) cover more than a few percent of the page.
    histogram = image.histogram()
    assert sum(histogram[:128]) > 0.02 * image.size[0] * image.size[1]
    target = os.environ.get("RISKSCALE_DOCS_PNG")
    if target:  # `RISKSCALE_DOCS_PNG=docs/report.png` refreshes the README's picture from this run
        shutil.copyfile(png, REPO_ROOT / target)


def test_the_net_log_sees_a_page_request(tmp_path):
    # The check of the other tests is only worth something if a page's request shows in the log.
    probe = tmp_path / "probe.html"
    probe.write_text('<!DOCTYPE html><html><body><img src="http://riskscale.invalid/x.png" alt="x"></body></html>')
    _, requested = browse(tmp_path, probe, "--dump-dom")
    assert requested == ["http://riskscale.invalid/x.png"]


def test_no_remote_reference_no_script(sample_report):
    text = sample_report.read_text()
    for match in re.finditer(r'(?:src|href)\s*=\s*"([^"]*)"', text):
        value = match.group(1)
        assert "//" not in value and not value.lower().startswith(("http:", "https:")), value
        assert value.startswith("#"), value  # only links within the page
    for match in re.finditer(r"url\(([^)]*)\)", text):
        pytest.fail(f"CSS url() in the report: {match.group(0)}")
    assert "http://" not in text and "https://" not in text
    assert "<script" not in text.lower() and "<link" not in text.lower() and "@import" not in text


def test_every_tag_closed_and_ids_unique(sample_report):
    page = structure_of(sample_report.read_text())
    assert page.errors == []
    assert page.open == []
    assert len(page.ids) == len(set(page.ids)), sorted({i for i in page.ids if page.ids.count(i) > 1})
    assert "@media print" in sample_report.read_text()


def test_welcome_pack_prints_to_a4_pages(run, tmp_path):
    pack = tmp_path / "pack.html"
    done = run("report", DATA / "accounts.csv", "--account", "ACC-000042", "--start", START, "-o", pack)
    assert done.returncode == 0, done.stderr
    text = pack.read_text()
    assert structure_of(text).errors == []
    plan = run("plan", DATA / "accounts.csv", "--id", "ACC-000042", "--start", START)
    assert plan.returncode == 0, plan.stderr
    milestones = json.loads(plan.stdout)["milestones"]
    pdf = tmp_path / "pack.pdf"
    _, requested = browse(tmp_path, pack, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert requested == []
    info = subprocess.run([tool("pdfinfo"), pdf], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 3, info  # the print style sheet starts each section on a new page
    assert "A4" in info, info
    first = subprocess.run([tool("pdftotext"), "-f", "1", "-l", "1", pdf, "-"], capture_output=True, text=True,
                           check=True).stdout
    assert "Welcome, ACC-000042" in first
    assert "Low scale, high risk" in first or "High scale" in first or "Low scale, low risk" in first
    everything = subprocess.run([tool("pdftotext"), pdf, "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(everything.split())
    for milestone in milestones:
        assert " ".join(milestone["title"].split()) in flat, milestone["title"]


def test_rejected_rows_are_counted_and_exit_1(run, tmp_path):
    out = tmp_path / "report.html"
    done = run("report", DATA / "accounts_with_errors.csv", "--start", START, "-o", out)
    assert done.returncode == 1, done.stderr
    expected = summary_counts(run, DATA / "accounts_with_errors.csv")
    page = structure_of(out.read_text())
    assert page.counts == {a: expected["archetypes"][a]["accounts"] for a in ARCHETYPES}
    assert f'id="rejected-count">{expected["rejected"]}<' in out.read_text()
    assert expected["rejected"] == 6
    assert b"6 rows rejected" in done.stderr


def test_the_crm_export_through_the_policys_inputs(run, tmp_path):
    out = tmp_path / "report.html"
    policy = REPO_ROOT / "examples" / "policies" / "crm.json"
    done = run("report", DATA / "crm_accounts.csv", "--policy", policy, "--start", START, "-o", out)
    assert done.returncode == 1, done.stderr  # its six faulty rows
    summary = run("summary", DATA / "crm_accounts.csv", "--policy", policy, "--format", "json")
    expected = json.loads(summary.stdout)
    assert structure_of(out.read_text()).counts == {a: expected["archetypes"][a]["accounts"] for a in ARCHETYPES}


def test_same_inputs_same_bytes_and_stdout(run, tmp_path):
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    for out in (first, second):
        assert run("report", DATA / "accounts.csv", "--start", START, "-o", out).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    done = run("report", DATA / "accounts.csv", "--start", START, "-o", "-")
    assert done.returncode == 0
    assert done.stdout == first.read_bytes()
    assert "movement" not in structure_of(first.read_text()).sections  # no --previous, no Movement


def test_errors_name_what_was_wrong(run, tmp_path):
    out = tmp_path / "report.html"
    done = run("report", DATA / "accounts.csv", "--account", "NOPE-1", "-o", out)
    assert done.returncode == 2
    assert b"NOPE-1" in done.stderr and b"accepted" in done.stderr
    assert not out.exists()
    twice = tmp_path / "twice.csv"
    lines = (DATA / "accounts.csv").read_text().splitlines()
    twice.write_text("\n".join(lines + lines[1:2]) + "\n")
    done = run("report", twice, "--previous", DATA / "accounts_previous.csv", "-o", out)
    assert done.returncode == 2
    assert b"ACC-000001" in done.stderr
    assert not out.exists()
    done = run("report", DATA / "accounts.csv", "-o", DATA / "accounts.csv")
    assert done.returncode == 2 and b"accounts.csv" in done.stderr
    done = run("report", DATA / "accounts.csv", "--start", "2027-13-01", "-o", out)
    assert done.returncode == 2 and b"--start" in done.stderr
    bad = tmp_path / "goals.json"
    bad.write_text('[{"initiative": "x", "metric": "borderline_share", "target": "high"}]')
    done = run("report", DATA / "accounts.csv", "--goals", bad, "-o", out)
    assert done.returncode == 2
    assert b"$[0].target" in done.stderr and b"a finite number" in done.stderr
    assert not out.exists()

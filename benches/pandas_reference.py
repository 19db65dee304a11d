"""The pandas reference of benches/compare.sh: per-group counts and summaries of a
canonical response file, as an analyst would write them by hand.

    python pandas_reference.py SURVEY.toml RESPONSES.csv

Reads the file with pandas.read_csv (every column as text), then for each answer column,
overall and by position (the survey's `position` question):
  single, likert, matrix rows: value counts;
  multiple, ranking: value counts of the `;`-separated codes;
  numeric, probability, year: count, mean, standard deviation, quartiles;
  text (and `q.other`): the number of answers.
It prints the row count and the number of result rows. canvass does more (segments,
position x segment cells, intervals, bootstrap, charts, the report); this is the floor a
pandas user would start from.
"""

import sys
import time
import tomllib

import pandas as pd

CHOICE = {"single", "likert"}
SEPARATED = {"multiple", "ranking"}
NUMBER = {"numeric", "probability", "year"}


def question_kinds(survey):
    """Question id -> kind, from top-level questions and sections alike."""
    questions = list(survey.get("questions", []))
    for section in survey.get("sections", []):
        questions.extend(section.get("questions", []))
    return {q["id"]: q["kind"] for q in questions}


def summarise(frame, column, kind, position):
    """Result frames for one column: overall and by position."""
    values = frame[column]
    by = frame[position]
    if kind in CHOICE or kind == "matrix":
        return [values.value_counts(), values.groupby(by).value_counts()]
    if kind in SEPARATED:
        codes = pd.DataFrame({"code": values.str.split(";"), "position": by}).explode("code")
        codes = codes.dropna(subset=["code"])
        return [codes["code"].value_counts(), codes.groupby("position")["code"].value_counts()]
    if kind in NUMBER:
        numbers = pd.to_numeric(values, errors="coerce")
        return [numbers.describe().to_frame(), numbers.groupby(by).describe()]
    answered = values.notna()
    return [pd.Series({"answered": int(answered.sum())}), answered.groupby(by).sum()]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: pandas_reference.py SURVEY.toml RESPONSES.csv")
    with open(sys.argv[1], "rb") as f:
        survey = tomllib.load(f)
    kinds = question_kinds(survey)
    position = survey["position"]

    started = time.perf_counter()
    frame = pd.read_csv(sys.argv[2], dtype=str)
    results = []
    for column in frame.columns:
        if column in ("respondent_id", "submitted_at"):
            continue
        question, _, part = column.partition(".")
        if question not in kinds:
            continue  # a weights column or another column the survey does not define
        kind = "text" if part == "other" else kinds[question]
        results.extend(summarise(frame, column, kind, position))
    elapsed = time.perf_counter() - started
    print(
        f"pandas {pd.__version__}: {len(frame)} rows, {len(results)} summaries, "
        f"{sum(len(r) for r in results)} result rows in {elapsed:.3f} s"
    )


if __name__ == "__main__":
    main()

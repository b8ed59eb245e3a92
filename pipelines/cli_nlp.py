"""`radar nlp …` commands: predict, annotate, train, evaluate."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from pipelines.errors import UserError

if TYPE_CHECKING:
    from nlp.classifier import TextClassifier

# The nlp imports (scikit-learn, skops, underthesea) are made inside the commands: every `radar`
# invocation imports this module, and they would add seconds to `radar --help` and `radar sql`.

nlp_app = typer.Typer(help="Xử lý ngôn ngữ / Vietnamese NLP models.", no_args_is_help=True)

BATCH = 256
ANNOTATE_BATCH = 2048


class RecipeName(StrEnum):
    """Training recipes of `radar nlp train` (nlp.classifier.RECIPES)."""

    auto = "auto"
    short = "short"
    long = "long"


class Task(StrEnum):
    """Tasks with a shipped model."""

    sentiment = "sentiment"
    toxicity = "toxicity"
    topic = "topic"


def _read_jsonl(handle: TextIO, name: str, text_field: str = "text") -> Iterator[dict[str, Any]]:
    for lineno, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"{name}:{lineno}: not JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise UserError(f"{name}:{lineno}: expected a JSON object")
        if not isinstance(obj.get(text_field), str):
            raise UserError(f"{name}:{lineno}: missing string field {text_field!r}")
        yield obj


def _open_input(path: Path | None) -> tuple[TextIO, str]:
    if path is None:
        return sys.stdin, "<stdin>"
    if not path.is_file():
        raise UserError(f"input file not found: {path}")
    return path.open(encoding="utf-8"), str(path)


def _batches(rows: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _load_model(task: Task | None, model_dir: Path | None) -> TextClassifier:
    from nlp.annotate import MODELS_DIR
    from nlp.classifier import TextClassifier
    from nlp.modelio import ModelError

    if model_dir is None and task is None:
        raise UserError("give --task {sentiment,toxicity,topic} or --model DIR")
    directory = model_dir if model_dir is not None else MODELS_DIR / str(task)
    try:
        return TextClassifier.load(directory)
    except ModelError as exc:
        raise UserError(str(exc)) from None


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


InputOpt = Annotated[Path | None, typer.Option("--input", "-i", help="JSON Lines file (default: stdin).")]
TaskOpt = Annotated[Task | None, typer.Option(help="Shipped model to use (or give --model).")]
ModelOpt = Annotated[Path | None, typer.Option("--model", help="Model directory (default: the shipped one).")]


def _rows(input: Path | None, text_field: str = "text") -> Iterator[dict[str, Any]]:
    handle, name = _open_input(input)
    with handle if input is not None else nullcontext(handle):
        yield from _read_jsonl(handle, name, text_field)


@nlp_app.command()
def predict(
    task: TaskOpt = None,
    model: ModelOpt = None,
    input: InputOpt = None,
) -> None:
    """Label each JSON line's "text": adds label and score (topic also labels and scores)."""
    from nlp.features import prepare

    clf = _load_model(task, model)
    for batch in _batches(_rows(input)):
        probs = clf.predict_segmented([prepare(r["text"]) for r in batch])
        for row, (labels, scores) in zip(batch, clf.top(probs), strict=True):
            out = dict(row)
            out["label"], out["score"] = labels[0], round(scores[0], 4)
            if clf.multilabel or clf.task == "topic":
                out["labels"], out["scores"] = labels, [round(s, 4) for s in scores]
            _emit(out)


@nlp_app.command()
def annotate(
    input: InputOpt = None,
    models: Annotated[Path | None, typer.Option("--models", help="Directory of the three models.")] = None,
) -> None:
    """Every annotation of each JSON line's "text" (the code path of `radar process`)."""
    from nlp.annotate import Annotator
    from nlp.modelio import ModelError

    try:
        annotator = Annotator.load(models)
    except ModelError as exc:
        raise UserError(str(exc)) from None
    # Large batches let the annotator hand segmentation to worker processes.
    for batch in _batches(_rows(input), ANNOTATE_BATCH):
        for row, ann in zip(batch, annotator.annotate([r["text"] for r in batch]), strict=True):
            _emit({**row, **ann})


# Segmenting is most of a training run's cost (VNTC's 33k articles: ~15 CPU-minutes): files at least
# this large keep their segmentations on disk (nlp.prepcache), so a rerun or an evaluation on the
# same file starts at once. Small files are segmented in seconds and leave nothing behind.
CACHE_MIN_ROWS = 1000


def _prepare(texts: list[str], data: Path) -> list[str]:
    from nlp.parallel import default_workers
    from nlp.prepcache import cache_for, prepare_many

    cache = cache_for(data) if len(texts) >= CACHE_MIN_ROWS else None
    return prepare_many(texts, cache, workers=default_workers())


def _labelled(data: Path, text_field: str, label_field: str) -> tuple[list[str], list[Any]]:
    texts: list[str] = []
    labels: list[Any] = []
    for lineno, row in enumerate(_rows(data, text_field), 1):
        label = row.get(label_field)
        if isinstance(label, list) and label and all(isinstance(x, str) for x in label):
            labels.append([str(x) for x in label])
        elif isinstance(label, str | int) and not isinstance(label, bool) and str(label).strip():
            labels.append(str(label).strip())
        else:
            raise UserError(f"{data}: row {lineno}: missing or bad label field {label_field!r}")
        texts.append(row[text_field])
    if not texts:
        raise UserError(f"{data}: no labelled rows")
    return texts, labels


@nlp_app.command("train")
def train_cmd(
    task: Annotated[str, typer.Option(help="Name of the task (recorded in the model).")],
    data: Annotated[Path, typer.Option(help="Labelled JSON Lines file.")],
    out: Annotated[Path, typer.Option(help="Model directory to write.")],
    text_field: Annotated[str, typer.Option(help="Field holding the text.")] = "text",
    label_field: Annotated[str, typer.Option(help="Field of the label; a list makes it multi-label.")] = "label",
    recipe: Annotated[
        RecipeName,
        typer.Option(help="short: comments, titles (the shipped models'); long: articles; auto: by median length."),
    ] = RecipeName.auto,
) -> None:
    """Train a classifier with the project's recipe on any labelled JSON Lines file."""
    from nlp.classifier import RECIPES, choose_recipe, train

    texts, labels = _labelled(data, text_field, label_field)
    if len({x if isinstance(x, str) else tuple(x) for x in labels}) < 2:
        raise UserError(f"{data}: need at least two distinct labels")
    segmented = _prepare(texts, data)
    name = choose_recipe(segmented) if recipe is RecipeName.auto else str(recipe)
    meta = {"training_data": {data.name: len(texts)}, "recipe": name}
    model = train(segmented, labels, task=task, meta=meta, **RECIPES[name].kwargs())
    model.save(out)
    typer.echo(f"trained {task} on {len(texts)} rows, {len(model.labels)} labels, recipe {name} -> {out}", err=True)


@nlp_app.command("evaluate")
def evaluate_cmd(
    task: TaskOpt = None,
    data: Annotated[Path | None, typer.Option(help="Labelled JSON Lines file.")] = None,
    model: ModelOpt = None,
    text_field: Annotated[str, typer.Option(help="Field holding the text.")] = "text",
    label_field: Annotated[str, typer.Option(help="Field holding the gold label.")] = "label",
    json_out: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
) -> None:
    """Accuracy, macro-F1, weighted F1 and a per-class report on a labelled file."""
    from nlp.metrics import evaluate, format_report

    if data is None:
        raise UserError("--data FILE.jsonl is required")
    clf = _load_model(task, model)
    texts, labels = _labelled(data, text_field, label_field)
    probs = clf.predict_segmented(_prepare(texts, data))
    pred = [clf.labels[int(i)] for i in probs.argmax(axis=1)]
    gold = [x if isinstance(x, str) else x[0] for x in labels]
    result = evaluate(gold, pred)
    typer.echo(json.dumps(result, ensure_ascii=False, indent=2) if json_out else format_report(result))

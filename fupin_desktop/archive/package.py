"""Build the year's electronic archive package (a BagIt bag) from items and their PDFs.

Steps: number (件号) → per item, in worker processes: render (the caller's source), 归档章,
PDF/A-2b, write ``data/<档号>.pdf`` → box with the real page counts → 文件目录.XML/.csv,
说明文件.TXT → bag files.

Resumable: a small JSON state file beside the package remembers, per 档号, a fingerprint of
everything that shapes the item's bytes and the sha256 written; an item whose file is still
there with that sha256 and whose fingerprint is unchanged is skipped (the metadata date is not
part of the fingerprint: a skipped file keeps the real date it was created). Reproducible for a
given build time: deterministic ordering, content-derived /ID → byte-identical item PDFs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
import re
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from fupin_desktop.archive import bagit, catalogue as cat_mod
from fupin_desktop.archive.boxes import Box, assign_boxes, box_problems
from fupin_desktop.archive.itemfile import (ItemDone, ItemJob, Source, process_job, process_jobs,
                                            write_atomic)
from fupin_desktop.archive.model import ArchiveItem, ArchiveSettings, Problem
from fupin_desktop.archive.numbering import assign_numbers, item_code
from fupin_desktop.archive.pdfa import SOFTWARE, PdfaMeta
from fupin_desktop.archive.stamp import StampFields
from fupin_desktop.errors import InputError, UserError, ValidationError

PARALLEL_MIN = 40  # below this, starting worker processes costs more than it saves
STATE_VERSION = 1
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class PackageItem:
    item: ArchiveItem
    source: Source  # PDF bytes, a path, or a picklable callable returning PDF bytes
    # For callables: a token that changes whenever the rendered PDF would (e.g. the record's
    # version). Empty = unknown: the item is re-rendered on every build.
    fingerprint: str = ""


@dataclass(frozen=True)
class ExtraDocument:
    """A paper document of the package (归档文件目录, 盒脊 …) stored under data/ as PDF/A."""

    file_name: str  # relative to data/, e.g. "纸质文件/归档文件目录.pdf"
    title: str
    source: Source


@dataclass
class BuildResult:
    out_dir: Path
    items: list[ArchiveItem]  # numbered, with real page counts
    boxes: list[Box]
    warnings: list[Problem] = field(default_factory=list)
    rendered: int = 0
    skipped: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


class BuildCancelled(UserError):
    def __init__(self) -> None:
        super().__init__("已取消生成。已完成的文件会保留，下次生成时自动跳过。")


def temp_dir_for(out_dir: Path) -> Path:
    """Beside the bag (same file system, never inside it): files being written live here until
    they are renamed into place, so a killed build leaves nothing half-written in the package."""
    return out_dir.parent / f".{out_dir.name}.fupin-tmp"


def default_state_path(out_dir: Path) -> Path:
    # Beside, not inside, the bag: a file inside would be an unexpected file of the package.
    return out_dir.parent / f".{out_dir.name}.fupin-build.json"


def build_package(
    items: Sequence[PackageItem],
    settings: ArchiveSettings,
    out_dir: Path | str,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    *,
    extra_documents: Sequence[ExtraDocument] = (),
    state_path: Path | None = None,
    built_on: dt.date | None = None,
    existing_boxes: Sequence[Box] = (),
    finalize: bool = True,
    recheck: bool = True,
) -> BuildResult:
    """``existing_boxes``: a closed year's stored boxes, kept as printed; later items go into
    new boxes after them (never a silent re-pack). ``finalize=False``: stop once the items are
    rendered and boxed (no catalogue, no bag: a second pass with the paper documents follows).
    ``recheck=False``: an item whose fingerprint and size match the state is taken without
    hashing it again (for that second pass: the first one has just hashed or written it)."""
    settings.validate()
    out_dir = Path(out_dir)
    state_path = state_path or default_state_path(out_dir)
    years = {pi.item.year for pi in items}
    if len(years) != 1:
        raise InputError("一个数据包只能包含同一年度的文件。" if years else "没有可归档的文件。")
    year = years.pop()
    cancel = cancel or (lambda: False)
    progress = progress or (lambda done, total, stage: None)
    times: dict[str, float] = {}
    t0 = time.perf_counter()

    numbering = assign_numbers([pi.item for pi in items], settings.closed, settings.category_codes(),
                               settings.retention_order)
    if numbering.problems:
        raise ValidationError("归档编号有问题，请先处理：\n" +
                              "\n".join(p.message_cn for p in numbering.problems[:20]))
    # one real date for every PDF this build writes (items and paper documents alike)
    settings = replace(settings, fixed_datetime=settings.metadata_datetime(year))
    _prepare_out_dir(out_dir, state_path)  # only now: a refused build leaves an old bag intact
    tmp_dir = temp_dir_for(out_dir)
    shutil.rmtree(tmp_dir, ignore_errors=True)  # leftovers of a killed build
    by_key = {pi.item.key: pi for pi in items}
    data_dir = out_dir / "data"
    state = _load_state(state_path)
    jobs, fps, done = [], {}, {}
    for it in numbering.items:
        code = item_code(settings.fonds_no, it)
        job = ItemJob(code, str(data_dir / f"{code}.pdf"), by_key[it.key].source,
                      StampFields(settings.fonds_no, it.year, it.item_no,
                                  settings.category_name(it.category), it.retention),
                      PdfaMeta(it.title, settings.metadata_datetime(it.year), author=it.responsible,
                               identifier=code), str(tmp_dir))
        fps[code] = _fingerprint(job, by_key[it.key])
        prev = state.get(code)
        target = Path(job.target)
        if prev and prev["fp"] == fps[code] and target.is_file() and \
                target.stat().st_size == prev["size"] and (
                    not recheck or bagit.file_sha256(target) == prev["sha256"]):
            done[code] = ItemDone(code, prev["pages"], prev["sha256"], prev["size"])
        else:
            jobs.append(job)
    skipped = len(done)
    times["plan"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    errors: list[str] = []
    total = len(numbering.items)
    progress(skipped, total, "生成归档文件")
    try:
        for result in _run_jobs(jobs, settings.workers, cancel):
            if result.error:
                errors.append(result.error)
                continue
            done[result.code] = result
            state[result.code] = {"fp": fps[result.code], "pages": result.pages,
                                  "sha256": result.sha256, "size": result.size}
            _save_state(state_path, state, throttle=True)
            progress(len(done) + len(errors), total, "生成归档文件")
    finally:  # also on cancel: what is done stays done for the next build
        _save_state(state_path, state)
    if errors:
        raise InputError(f"{len(errors)} 份文件无法生成：\n" + "\n".join(errors[:20]))
    times["items"] = time.perf_counter() - t1

    if cancel():
        raise BuildCancelled()
    t2 = time.perf_counter()
    progress(total, total, "装盒与编目")
    numbered = [replace(it, pages=done[item_code(settings.fonds_no, it)].pages) for it in numbering.items]
    boxes = assign_boxes(numbered, settings.box_thickness_mm, settings.box_capacities,
                         category_order=settings.category_codes(),
                         retention_order=settings.retention_order, existing=existing_boxes)
    if not finalize:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        times["total"] = time.perf_counter() - t0
        return BuildResult(out_dir, numbered, boxes, box_problems(boxes, settings.box_capacities),
                           rendered=len(jobs), skipped=skipped, seconds=times)
    digests = {f"data/{code}.pdf": d.sha256 for code, d in done.items()}
    others = _write_extras(extra_documents, data_dir, settings, digests, state, tmp_dir)
    _save_state(state_path, state)
    cat = _catalogue(settings, year, numbered, boxes, done, others)
    built_on = built_on or dt.date.today()
    files = {cat_mod.XML_NAME: cat_mod.catalogue_xml(cat), cat_mod.CSV_NAME: cat_mod.catalogue_csv(cat),
             cat_mod.README_NAME: cat_mod.readme_text(cat, software=SOFTWARE, built_on=built_on,
                                                      category_order=settings.category_codes()
                                                      ).encode("utf-8-sig")}
    for name, data in files.items():
        write_atomic(data_dir / name, data, tmp_dir)
        digests[f"data/{name}"] = hashlib.sha256(data).hexdigest()
    # paper documents of the last build stay until a build that passes documents decides (the
    # year build's first pass has none yet): unchanged ones then keep their file and date
    kept_extras = set() if extra_documents else {f"data/{k[6:]}" for k in state if k.startswith("extra:")}
    _remove_stale(data_dir, set(digests) | kept_extras)
    times["catalogue"] = time.perf_counter() - t2

    if cancel():
        raise BuildCancelled()
    t3 = time.perf_counter()
    progress(total, total, "计算校验值")
    bagit.make_bag(out_dir, source_organization=settings.source_organization or settings.fonds_name,
                   external_identifier=f"{settings.fonds_no}-WS·{year}",
                   bagging_date=settings.bagging_date or built_on,
                   extra_info=[("External-Description", f"{settings.fonds_name}{year}年度文书档案"),
                               ("Bag-Software-Agent", SOFTWARE)],
                   digests=digests)
    times["bag"] = time.perf_counter() - t3
    shutil.rmtree(tmp_dir, ignore_errors=True)
    times["total"] = time.perf_counter() - t0
    return BuildResult(out_dir, numbered, boxes, box_problems(boxes, settings.box_capacities),
                       rendered=len(jobs), skipped=skipped, seconds=times)


def _prepare_out_dir(out_dir: Path, state_path: Path) -> None:
    """Refuse a non-empty folder that is not ours; invalidate an old bag before rebuilding."""
    if out_dir.exists() and any(out_dir.iterdir()):
        if not ((out_dir / "bagit.txt").is_file() or state_path.is_file()):
            raise InputError(f"输出目录 {out_dir} 不为空，且不是本程序生成的归档数据包，请选择一个空目录。")
    (out_dir / "data").mkdir(parents=True, exist_ok=True)
    # Until the new bag files are written the folder must not pass as a (stale) valid bag.
    for name in ("bagit.txt", bagit.TAG_MANIFEST, bagit.PAYLOAD_MANIFEST, "bag-info.txt"):
        (out_dir / name).unlink(missing_ok=True)


def _fingerprint(job: ItemJob, pi: PackageItem) -> str:
    import pikepdf

    src = pi.source
    if isinstance(src, bytes | bytearray):
        token = hashlib.sha256(src).hexdigest()
    elif isinstance(src, Path):
        token = bagit.file_sha256(src) if src.is_file() else f"missing:{src}"
    else:
        token = pi.fingerprint or f"always:{time.time_ns()}"  # unknown → never equal
    parts = [SOFTWARE, pikepdf.__version__, token, _stamp_json(job.stamp),
             job.meta.title, job.meta.author, job.meta.identifier]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _stamp_json(stamp: StampFields) -> str:
    """``json.dumps(asdict(stamp))`` without asdict's deep copy (a flat dataclass): the same
    text, a third of the time over 2 × 4,350 items."""
    return json.dumps({f.name: getattr(stamp, f.name) for f in _STAMP_FIELDS}, ensure_ascii=False)


_STAMP_FIELDS = fields(StampFields)


def _run_jobs(jobs: list[ItemJob], workers: int, cancel: Callable[[], bool]) -> Iterable[ItemDone]:
    """Yield results as they finish; few jobs run here, many in ``workers`` processes."""
    if workers < 2 or len(jobs) < PARALLEL_MIN:
        for job in jobs:
            if cancel():
                raise BuildCancelled()
            yield process_job(job)
        return
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    jobs = [_picklable(j) for j in jobs]
    size = max(1, min(25, len(jobs) // (workers * 8)))
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    # spawn, not fork: forking a process that runs Qt (the GUI) is unsafe, and Windows spawns.
    ex = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=worker_init, initargs=(os.getpid(),))
    pending: set = set()
    try:
        while chunks or pending:
            while chunks and len(pending) < workers * 3:  # bounded in flight: quick cancel
                pending.add(ex.submit(process_jobs, chunks.pop(0)))
            finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for fut in finished:
                yield from fut.result()
            if cancel():
                raise BuildCancelled()
    finally:
        ex.shutdown(wait=True, cancel_futures=True)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def worker_init(parent_pid: int) -> None:
    """Initializer of every worker process: it dies with the process that started it.

    A killed GUI or CLI (kill -9, a crash, the task manager) must not leave workers rendering
    into the package for minutes. Linux: the kernel sends SIGKILL when the parent dies
    (prctl PR_SET_PDEATHSIG). Everywhere (also Linux, as a second line): a watchdog thread waits
    on the parent's sentinel (or polls its pid) and ends the worker at once."""
    import signal
    import sys
    import threading

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.name == "posix" and os.getppid() != parent_pid:  # died before prctl took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True,
                     name="fupin-parent-watchdog").start()


def _watch_parent(parent_pid: int) -> None:
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is not None and getattr(parent, "_sentinel", None) is not None:
        parent.join()  # returns when the parent process is gone
        os._exit(1)
    while True:  # no sentinel: poll
        time.sleep(1.0)
        if not _pid_alive(parent_pid) or (os.name == "posix" and os.getppid() != parent_pid):
            os._exit(1)


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # the sentinel covers Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _picklable(job: ItemJob) -> ItemJob:
    """A source callable that cannot go to a worker (a closure, a bound DB session) is called
    here; the worker still stamps and converts it."""
    if isinstance(job.source, bytes | Path):
        return job
    try:
        pickle.dumps(job.source)
        return job
    except Exception:  # noqa: BLE001 - any pickling failure
        from fupin_desktop.archive.itemfile import read_source

        return replace(job, source=read_source(job.source))


def _write_extras(docs: Sequence[ExtraDocument], data_dir: Path, settings: ArchiveSettings,
                  digests: dict[str, str], state: dict,
                  tmp_dir: Path | None = None) -> list[cat_mod.OtherFile]:
    """Write the paper documents. One whose source is unchanged since the last build keeps its
    file (and so the date it was first made), like a skipped item."""
    from fupin_desktop.archive.itemfile import make_item_pdf, read_source

    reserved = {cat_mod.XML_NAME, cat_mod.CSV_NAME, cat_mod.README_NAME}
    if docs:
        for k in [k for k in state if k.startswith("extra:")]:
            if k[6:] not in {Path(d.file_name).as_posix() for d in docs}:
                del state[k]
    out = []
    for doc in docs:
        rel = Path(doc.file_name).as_posix()
        if rel in reserved or f"data/{rel}" in digests or rel.startswith("/") or ".." in rel.split("/"):
            raise InputError(f"附加文件名“{doc.file_name}”无效或与归档文件重名。")
        data = read_source(doc.source)
        target = data_dir / rel
        fp = hashlib.sha256("\x1f".join([SOFTWARE, doc.title, settings.fonds_name,
                                         hashlib.sha256(_volatile_free(data)).hexdigest()]).encode()).hexdigest()
        prev = state.get(f"extra:{rel}")
        if prev and prev["fp"] == fp and target.is_file() and bagit.file_sha256(target) == prev["sha256"]:
            sha = prev["sha256"]
        else:
            if rel.lower().endswith(".pdf"):
                data, _ = make_item_pdf(data, None, PdfaMeta(doc.title, settings.metadata_datetime(0),
                                                             author=settings.fonds_name))
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, data, tmp_dir)
            sha = hashlib.sha256(data).hexdigest()
            state[f"extra:{rel}"] = {"fp": fp, "sha256": sha}
        digests[f"data/{rel}"] = sha
        out.append(cat_mod.OtherFile(rel, doc.title, sha))
    return out


_VOLATILE = re.compile(rb"/ID\s*\[\s*<[0-9a-fA-F]*>\s*<[0-9a-fA-F]*>\s*\]|/(?:CreationDate|ModDate)\s*\([^)]*\)")


def _volatile_free(data: bytes) -> bytes:
    """A writer's /ID and dates removed: what is left changes only when the document does."""
    return _VOLATILE.sub(b"", data)


def _catalogue(settings: ArchiveSettings, year: int, items: list[ArchiveItem], boxes: list[Box],
               done: dict[str, ItemDone], others: list[cat_mod.OtherFile]) -> cat_mod.Catalogue:
    box_of = {it.key: b.box_no for b in boxes for it in b.items}
    entries = []
    for it in items:
        code = item_code(settings.fonds_no, it)
        entries.append(cat_mod.CatalogueEntry(
            code, settings.fonds_no, it.year, it.retention, it.category,
            settings.category_name(it.category), it.item_no, it.doc_no, it.responsible, it.title,
            cat_mod.date_text(it.date), it.secret, it.pages, it.remark, box_of[it.key],
            f"{code}.pdf", done[code].sha256))
    box_entries = [cat_mod.BoxEntry(b.box_no, b.year, b.retention, b.category, b.first_item_no,
                                    b.last_item_no, b.pages, b.thickness_mm) for b in boxes]
    return cat_mod.Catalogue(settings.fonds_no, settings.fonds_name, year, entries, box_entries, others)


def _remove_stale(data_dir: Path, keep: set[str]) -> None:
    """Delete files of an earlier build that are no longer part of the package (removed items,
    ``.part`` leftovers of a crash) so the bag has no unexpected files."""
    base = data_dir.parent
    for root, dirs, files in os.walk(data_dir, topdown=False):
        for name in files:
            p = Path(root) / name
            if p.relative_to(base).as_posix() not in keep:
                p.unlink()
        if Path(root) != data_dir and not any(Path(root).iterdir()):
            shutil.rmtree(root)


_last_save = 0.0


def _load_state(path: Path) -> dict:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("items", {}) if data.get("version") == STATE_VERSION else {}


def _save_state(path: Path, items: dict, throttle: bool = False) -> None:
    global _last_save
    now = time.monotonic()
    if throttle and now - _last_save < 1.0:
        return
    _last_save = now
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"version": STATE_VERSION, "items": items}, ensure_ascii=False), "utf-8")
    os.replace(tmp, path)

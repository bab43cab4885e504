#!/usr/bin/env python3
"""Helper of scripts/realworld-corpus (standard library only).

Subcommands (the shell script calls them; see its --help):
  pk3 DIR                      unpack the audio inside .pk3 (zip) game archives under DIR
  ogg-stray IN OUT             copy an Ogg file and add a stray page after end-of-stream
  ogg-granule IN OUT DELTA     copy an Ogg file with the last page's granule position + DELTA
  ogg-chain OUT IN...          concatenate Ogg files, giving each link its own serial number
  id3v24-append IN OUT         copy a file and append an ID3v2.4 tag (with footer)
  apev2-append IN OUT          copy a file and append an APEv2 tag (with header and footer)
  wav-datasize0 IN OUT         copy a WAV file with its data chunk size set to 0
  list CACHE                   list the corpus and made files (TSV) on stdout
  reference CACHE              decode every listed file with the reference decoders (cached)
  genrescope CACHE             run genrescope-cli info/classify on every listed file
  report CACHE                 compare, print the summary, write CACHE/report.md; exit 0 or 1
"""
import concurrent.futures
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import zipfile

AUDIO_EXTS = ("wav", "flac", "ogg", "oga", "opus", "mp3", "aif", "aiff", "aifc", "au", "snd")
REF_RATE = 22050
CUT_TOLERANCE = 0.1      # seconds
MIN_AUDIO = 0.5          # below this the reference did not really decode anything
CLASSIFY_MIN = 10.0      # classify refuses songs shorter than this, by design
CACHE_VERSION = 3


# ----------------------------------------------------------------------------- Ogg pages

def _crc_table():
    table = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else (r << 1)
        table.append(r & 0xFFFFFFFF)
    return table


_CRC = _crc_table()


def ogg_crc(data):
    crc = 0
    for b in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _CRC[((crc >> 24) & 0xFF) ^ b]
    return crc


class Page:
    __slots__ = ("version", "flags", "granule", "serial", "seq", "segs", "body")

    def to_bytes(self):
        head = b"OggS" + struct.pack("<BBqIIIB", self.version, self.flags, self.granule, self.serial,
                                     self.seq, 0, len(self.segs)) + bytes(self.segs)
        raw = bytearray(head + self.body)
        struct.pack_into("<I", raw, 22, ogg_crc(raw))
        return bytes(raw)


def read_pages(path):
    with open(path, "rb") as f:
        data = f.read()
    pages, pos = [], 0
    while pos + 27 <= len(data):
        if data[pos:pos + 4] != b"OggS":
            raise SystemExit(f"{path}: no Ogg page at byte {pos}")
        p = Page()
        p.version, p.flags, p.granule, p.serial, p.seq, _crc, nseg = struct.unpack_from("<BBqIIIB", data, pos + 4)
        p.segs = list(data[pos + 27:pos + 27 + nseg])
        start = pos + 27 + nseg
        p.body = data[start:start + sum(p.segs)]
        pos = start + sum(p.segs)
        pages.append(p)
    if pos != len(data):
        raise SystemExit(f"{path}: {len(data) - pos} trailing bytes after the last Ogg page")
    return pages


def write_atomic(path, data):
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def first_packet_rate(pages):
    body = pages[0].body
    if body.startswith(b"\x01vorbis") and len(body) >= 16:
        return struct.unpack_from("<I", body, 12)[0]
    if body.startswith(b"OpusHead"):
        return 48000
    return 44100


def cmd_ogg_stray(src, dst):
    pages = read_pages(src)
    last = pages[-1]
    stray = Page()
    stray.version, stray.serial, stray.segs, stray.body = last.version, last.serial, list(last.segs), last.body
    stray.flags = 0
    stray.granule = last.granule + first_packet_rate(pages)  # one second later
    stray.seq = last.seq + 1
    write_atomic(dst, b"".join(p.to_bytes() for p in pages) + stray.to_bytes())


def cmd_ogg_granule(src, dst, delta):
    pages = read_pages(src)
    pages[-1].granule += int(delta)
    write_atomic(dst, b"".join(p.to_bytes() for p in pages))


def cmd_ogg_chain(dst, *srcs):
    out, used = [], set()
    for src in srcs:
        pages = read_pages(src)
        serials = {p.serial for p in pages}
        if serials & used:  # two links with one serial number would not be a valid chain
            new = max(used | serials) + 1
            for p in pages:
                p.serial = new
            serials = {new}
        used |= serials
        out.extend(p.to_bytes() for p in pages)
    write_atomic(dst, b"".join(out))


# ----------------------------------------------------------------------------- tags, WAV

def synchsafe(n):
    return bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])


def cmd_id3v24_append(src, dst):
    frames = b""
    for fid, text in (("TIT2", "Appended tag test"), ("TPE1", "realworld-corpus"), ("TCON", "Soundtrack")):
        payload = b"\x03" + text.encode("utf-8")
        frames += fid.encode() + synchsafe(len(payload)) + b"\x00\x00" + payload
    header = b"ID3\x04\x00\x10" + synchsafe(len(frames))   # flag 0x10: footer present
    footer = b"3DI\x04\x00\x10" + synchsafe(len(frames))
    with open(src, "rb") as f:
        write_atomic(dst, f.read() + header + frames + footer)


def cmd_apev2_append(src, dst):
    items = b""
    pairs = (("Title", "Appended APEv2 tag"), ("Artist", "realworld-corpus"), ("Genre", "Soundtrack"))
    for key, value in pairs:
        v = value.encode("utf-8")
        items += struct.pack("<II", len(v), 0) + key.encode("ascii") + b"\x00" + v
    size = len(items) + 32  # items + footer
    header = b"APETAGEX" + struct.pack("<IIII", 2000, size, len(pairs), 0xA0000000) + b"\x00" * 8
    footer = b"APETAGEX" + struct.pack("<IIII", 2000, size, len(pairs), 0x80000000) + b"\x00" * 8
    with open(src, "rb") as f:
        write_atomic(dst, f.read() + header + items + footer)


def cmd_wav_datasize0(src, dst):
    with open(src, "rb") as f:
        data = bytearray(f.read())
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SystemExit(f"{src}: not a RIFF WAVE file")
    pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        if cid == b"data":
            struct.pack_into("<I", data, pos + 4, 0)
            write_atomic(dst, bytes(data))
            return
        pos += 8 + size + (size & 1)
    raise SystemExit(f"{src}: no data chunk")


# ----------------------------------------------------------------------------- pk3 archives

def cmd_pk3(root):
    """Game data packed in .pk3 (zip) archives: unpack their audio members next to the tree."""
    for dirpath, _dirs, files in os.walk(root):
        for name in sorted(files):
            if not name.lower().endswith(".pk3"):
                continue
            archive = os.path.join(dirpath, name)
            dest = os.path.join(root, "pk3-unpacked", name)
            with zipfile.ZipFile(archive) as z:
                for info in z.infolist():
                    ext = info.filename.rsplit(".", 1)[-1].lower()
                    if info.is_dir() or ext not in AUDIO_EXTS:
                        continue
                    target = os.path.normpath(os.path.join(dest, info.filename))
                    if not target.startswith(dest + os.sep):
                        continue
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with z.open(info) as src, open(target, "wb") as out:
                        shutil.copyfileobj(src, out)


# ----------------------------------------------------------------------------- file lists

def corpus_files(cache):
    tree = os.path.join(cache, "tree")
    rows = []
    if os.path.isdir(tree):
        for pkg in sorted(os.listdir(tree)):
            base = os.path.join(tree, pkg)
            for dirpath, dirs, files in os.walk(base):
                dirs.sort()
                if os.sep + os.path.join("usr", "share", "doc") in dirpath:
                    continue
                for name in sorted(files):
                    path = os.path.join(dirpath, name)
                    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
                    if ext in AUDIO_EXTS and os.path.isfile(path) and not os.path.islink(path):
                        rows.append({"path": os.path.abspath(path), "group": "corpus", "package": pkg, "ext": ext})
    return rows


def made_files(cache):
    manifest = os.path.join(cache, "made", "manifest.tsv")
    rows = []
    if os.path.exists(manifest):
        with open(manifest, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line:
                    continue
                name, how = line.split("\t", 1)
                path = os.path.abspath(os.path.join(cache, "made", name))
                if os.path.exists(path):
                    rows.append({"path": path, "group": "made", "package": "(made)", "name": name, "how": how,
                                 "ext": name.rsplit(".", 1)[-1].lower()})
    return rows


def all_files(cache):
    rows = made_files(cache)
    if os.environ.get("RWC_MADE_ONLY") != "1":
        rows += corpus_files(cache)
    return rows


def cmd_list(cache):
    for r in all_files(cache):
        print(f"{r['group']}\t{r['package']}\t{r['path']}")


# ----------------------------------------------------------------------------- reference decoders

def run_count(cmd, timeout=1800):
    """Runs cmd, counts the bytes on its stdout, returns (bytes, returncode, stderr text)."""
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        return 0, 127, str(e)
    count = 0
    err_chunks = []

    import threading

    def drain():
        for chunk in iter(lambda: proc.stderr.read(65536), b""):
            if sum(len(c) for c in err_chunks) < 1 << 20:
                err_chunks.append(chunk)

    t = threading.Thread(target=drain, daemon=True)
    t.start()
    deadline = time.monotonic() + timeout
    while True:
        chunk = proc.stdout.read(1 << 20)
        if not chunk:
            break
        count += len(chunk)
        if time.monotonic() > deadline:
            proc.kill()
            break
    rc = proc.wait()
    t.join(5)
    return count, rc, b"".join(err_chunks).decode("utf-8", "replace")


def ffmpeg_reference(path):
    n, rc, err = run_count(["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-loglevel", "level+info",
                            "-i", path, "-vn", "-f", "s16le", "-ac", "1", "-ar", str(REF_RATE), "-"])
    info = {"seconds": n / 2 / REF_RATE, "rc": rc, "errors": []}
    stream_seen = False
    for line in err.splitlines():
        m = re.match(r"\[(\w+)\]\s?(.*)", line)
        level, text = (m.group(1), m.group(2)) if m else ("info", line)
        if level in ("error", "fatal", "panic"):
            if len(info["errors"]) < 5:
                info["errors"].append(text.strip()[:200])
            info["error_lines"] = info.get("error_lines", 0) + 1
        mi = re.match(r"Input #0, ([^,]+(?:,[^,']+)*), from", text)
        if mi:
            info["container"] = mi.group(1)
        ma = re.search(r"Stream #0:\d+.*?: Audio: ([\w]+)[^,]*, (\d+) Hz, ([^,]+)", text)
        if ma and not stream_seen:
            stream_seen = True
            info["codec"], info["rate"], info["layout"] = ma.group(1), int(ma.group(2)), ma.group(3).strip()
    return info


def sox_reference(path):
    _n, rc, err = run_count(["sox", "-V2", path, "-n", "stat"])
    m = re.search(r"Length \(seconds\):\s*([0-9.]+)", err)
    msgs = [l.strip()[:200] for l in err.splitlines() if l.startswith("sox FAIL") or l.startswith("sox WARN")]
    return {"seconds": float(m.group(1)) if (m and rc == 0) else None, "rc": rc, "errors": msgs[:3]}


def mpg123_reference(path, rate):
    if not rate:
        return None
    n, rc, err = run_count(["mpg123", "-q", "-m", "-e", "s16", "-s", path])
    msgs = [l.strip()[:200] for l in err.splitlines() if l.strip()]
    return {"seconds": n / 2 / rate if rc == 0 else None, "rc": rc, "errors": msgs[:3], "tool": "mpg123"}


def channels_of(layout):
    table = {"mono": 1, "stereo": 2, "2.1": 3, "3.0": 3, "quad": 4, "4.0": 4, "5.0": 5, "5.1": 6, "5.0(side)": 5,
             "5.1(side)": 6, "6.1": 7, "7.1": 8}
    if layout in table:
        return table[layout]
    m = re.match(r"(\d+) channels", layout or "")
    return int(m.group(1)) if m else None


def native_reference(path, ff):
    """The codec's own reference tool, where there is one on the machine."""
    codec, rate, ch = ff.get("codec"), ff.get("rate"), channels_of(ff.get("layout"))
    container = ff.get("container", "")
    if not codec or not rate or not ch:
        return None
    if codec == "vorbis" and "ogg" in container:
        cmd, tool, rate_out = ["oggdec", "-Q", "-R", "-o", "-", path], "oggdec", rate
    elif codec == "opus" and "ogg" in container:
        cmd, tool, rate_out = ["opusdec", "--quiet", "--rate", "48000", path, "-"], "opusdec", 48000
    elif codec == "flac":
        cmd = ["flac", "-d", "-c", "-s", "--force-raw-format", "--endian=little", "--sign=signed"]
        if "ogg" in container:
            cmd.append("--ogg")
        cmd, tool, rate_out = cmd + [path], "flac -d", rate
    else:
        return None
    n, rc, err = run_count(cmd)
    # All three write raw interleaved PCM: oggdec -R and opusdec 16-bit, flac -d the file's own
    # sample size (read from STREAMINFO).
    bps = (flac_bytes_per_sample(path) or 2) if tool == "flac -d" else 2
    msgs = [l.strip()[:200] for l in err.splitlines() if l.strip()]
    return {"seconds": n / bps / ch / rate_out if rc == 0 else None, "rc": rc, "errors": msgs[:3], "tool": tool}


def flac_bytes_per_sample(path):
    try:
        with open(path, "rb") as f:
            head = f.read(8192)
        i = head.find(b"fLaC")
        if i < 0:
            return None
        si = head[i + 8:i + 8 + 34]  # STREAMINFO body after the 4-byte block header
        bits = ((si[12] & 0x01) << 4 | (si[13] >> 4)) + 1
        return (bits + 7) // 8
    except OSError:
        return None


def sox_unsupported(o):
    """sox has no reader for this format (Opus in Debian 12's sox): not a disagreement."""
    return bool(o) and any("no handler for" in e for e in o.get("errors", []))


def needs_tiebreak(rec):
    ff, sx = rec["ffmpeg"], rec.get("sox") or {}
    if ff.get("rc") != 0 or ff.get("errors"):
        return True
    if sox_unsupported(sx):
        return True   # no second opinion from sox (Opus): ask the codec's own decoder
    return sx.get("seconds") is None or abs(sx["seconds"] - (ff.get("seconds") or 0.0)) > CUT_TOLERANCE


def reference_one(row, made, rec=None):
    """Decodes one file; with rec (a cached record without the codec's own decoder) only adds that."""
    path = row["path"]
    if rec is None:
        ff = ffmpeg_reference(path)
        rec = {"ffmpeg": ff, "sox": sox_reference(path)}
        if ff.get("codec") == "mp3" and "mp3" in ff.get("container", ""):
            rec["mpg123"] = mpg123_reference(path, ff.get("rate"))
    # The codec's own decoder (oggdec, opusdec, flac) for made files, and as a tie-breaker for
    # corpus files where ffmpeg and sox disagree or ffmpeg fails.
    if made or needs_tiebreak(rec):
        ff = rec["ffmpeg"]
        if not ff.get("codec") and row["ext"] in ("ogg", "oga"):
            ff = dict(ff, codec="vorbis", container="ogg", rate=44100, layout="stereo")
            probe = ogg_probe(path)
            if probe:
                ff.update(probe)
        nat = native_reference(path, ff)
        if nat:
            rec["native"] = nat
    rec["native_checked2"] = True
    return rec


def ogg_probe(path):
    """Codec, rate and channels from an Ogg file's first page, for files ffmpeg cannot open."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return None
    i = head.find(b"\x01vorbis")
    if i >= 0 and len(head) >= i + 16:
        ch, rate = head[i + 11], struct.unpack_from("<I", head, i + 12)[0]
        return {"codec": "vorbis", "rate": rate, "layout": {1: "mono", 2: "stereo"}.get(ch, f"{ch} channels")}
    i = head.find(b"OpusHead")
    if i >= 0 and len(head) >= i + 10:
        ch = head[i + 9]
        return {"codec": "opus", "rate": 48000, "layout": {1: "mono", 2: "stereo"}.get(ch, f"{ch} channels")}
    return None


def file_key(path):
    st = os.stat(path)
    return f"{st.st_size}:{st.st_mtime_ns}"


def cmd_reference(cache):
    jobs = max(1, min(2, int(os.environ.get("RWC_JOBS", "2"))))
    results = os.path.join(cache, "results")
    os.makedirs(results, exist_ok=True)
    cache_file = os.path.join(results, "reference-cache.json")
    try:
        with open(cache_file, encoding="utf-8") as f:
            stored = json.load(f)
        if stored.get("version") != CACHE_VERSION:
            stored = {"version": CACHE_VERSION, "files": {}}
    except (OSError, ValueError):
        stored = {"version": CACHE_VERSION, "files": {}}
    rows = all_files(cache)
    todo = []
    for r in rows:
        key = file_key(r["path"])
        old = stored["files"].get(r["path"])
        if not old or old.get("key") != key:
            todo.append((r, key, None))
        elif "native_checked2" not in old:
            todo.append((r, key, old))
    print(f"realworld-corpus: reference decoding {len(todo)} of {len(rows)} files "
          f"({len(rows) - len(todo)} cached), {jobs} at a time", file=sys.stderr)
    done = 0
    last_save = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futs = {pool.submit(reference_one, r, r["group"] == "made", old): (r, key) for r, key, old in todo}
        for fut in concurrent.futures.as_completed(futs):
            r, key = futs[fut]
            rec = fut.result()
            rec["key"] = key
            stored["files"][r["path"]] = rec
            done += 1
            if done % 250 == 0 or time.monotonic() - last_save > 60:
                print(f"realworld-corpus:   {done}/{len(todo)}", file=sys.stderr)
                save_json(cache_file, stored)
                last_save = time.monotonic()
    save_json(cache_file, stored)


def save_json(path, obj):
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=0, sort_keys=True)
    os.replace(tmp, path)


def load_json(path, default):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


# ----------------------------------------------------------------------------- genrescope

def match_results(batch, elements, key):
    """Maps each path of the batch to its element of the CLI's JSON array."""
    out = {}
    if not isinstance(elements, list):
        return out
    by_path = {}
    for el in elements:
        if isinstance(el, dict) and isinstance(el.get(key), str):
            by_path.setdefault(el[key], []).append(el)
    real = {}
    for p in batch:
        real[os.path.realpath(p)] = p
    for p_out, els in by_path.items():
        p = p_out if p_out in batch else real.get(os.path.realpath(p_out))
        if p is None:
            continue
        out.setdefault(p, els[0] if key == "path" else pick_classify(els))
    return out


def pick_classify(els):
    for el in els:
        if el.get("model") == "ensemble" or "error" in el:
            return el
    return els[0]


def run_cli(args, timeout):
    start = time.monotonic()
    try:
        proc = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        rc, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = "timeout", e.stdout or b"", e.stderr or b""
    except OSError as e:
        rc, out, err = "oserror", b"", str(e).encode()
    return rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), time.monotonic() - start


def run_batches(label, base_args, paths, key, seconds_of, log, base_timeout):
    """Runs the CLI over paths in batches; a batch that crashes, hangs or prints no JSON is split
    in halves until the file at fault is found, so one bad file does not hide the others."""
    results = {}
    stats = {"calls": 0, "seconds": 0.0, "timeouts": 0, "crashes": 0}
    batch_size = int(os.environ.get("RWC_BATCH", "200"))
    queue = [paths[i:i + batch_size] for i in range(0, len(paths), batch_size)]
    total = len(paths)
    while queue:
        batch = queue.pop(0)
        audio_minutes = sum(seconds_of(p) for p in batch) / 60
        timeout = base_timeout + 2 * audio_minutes
        rc, out, err, took = run_cli(base_args + batch, timeout)
        stats["calls"] += 1
        stats["seconds"] += took
        log.write(f"== {label}: {len(batch)} files, rc={rc}, {took:.1f} s (timeout {timeout:.0f} s)\n{err[-4000:]}\n")
        try:
            elements = json.loads(out) if out.strip() else None
        except ValueError:
            elements = None
        got = match_results(batch, elements, key)
        bad = rc not in (0, 2) or elements is None
        usage_error = bad and rc == 2 and re.search(r"Unknown option|unknown option", err)
        if rc == "timeout":
            stats["timeouts"] += 1
        elif isinstance(rc, int) and rc < 0:
            stats["crashes"] += 1
        if bad and len(batch) > 1 and not usage_error:
            queue[0:0] = [batch[:len(batch) // 2], batch[len(batch) // 2:]]
            continue
        for p in batch:
            if p in got:
                results[p] = got[p]
            elif rc == "timeout":
                results[p] = {"error": {"code": "timeout", "message": f"no answer within {timeout:.0f} s"}}
            elif usage_error:
                results[p] = {"error": {"code": "usage", "message": err.strip().splitlines()[-1][:300]}}
            elif isinstance(rc, int) and rc < 0:
                results[p] = {"error": {"code": "crash", "message": f"genrescope-cli died of signal {-rc}"}}
            else:
                last = err.strip().splitlines()[-1] if err.strip() else ""
                results[p] = {"error": {"code": "no-answer",
                                        "message": f"no JSON element for this file (exit {rc}) {last}"[:300]}}
        print(f"realworld-corpus:   {label}: {len(results)}/{total}", file=sys.stderr)
    return results, stats


def cmd_genrescope(cache):
    cli = os.environ["RWC_CLI"]
    base_timeout = float(os.environ.get("RWC_TIMEOUT", "120"))
    results_dir = os.path.join(cache, "results")
    os.makedirs(results_dir, exist_ok=True)
    ref = load_json(os.path.join(results_dir, "reference-cache.json"), {"files": {}})["files"]
    paths = [r["path"] for r in all_files(cache)]

    def secs(p):
        return (ref.get(p, {}).get("ffmpeg") or {}).get("seconds") or 0.0

    meta = {"cli": cli, "files": len(paths)}
    with open(os.path.join(results_dir, "genrescope.log"), "w", encoding="utf-8") as log:
        # Probe once whether this CLI knows `info --decode` (the interface this check is written for).
        # (Not with --help: Qt's parser answers --help before it looks for unknown options.)
        probe_rc, _o, probe_err, _t = run_cli([cli, "info", "--json", "--decode", paths[0] if paths else "/nonexistent"], 300)
        decode_known = not re.search(r"nknown option.*decode", probe_err)
        info_args = [cli, "info", "--json"] + (["--decode"] if decode_known else [])
        meta["info_args"] = " ".join(info_args[1:])
        meta["decode_supported"] = decode_known
        if not decode_known:
            print("realworld-corpus: this genrescope-cli has no `info --decode`; running `info --json` "
                  "(no decoded lengths from info)", file=sys.stderr)
        t0 = time.monotonic()
        info, meta["info_stats"] = run_batches("info", info_args, paths, "path", secs, log, base_timeout)
        meta["info_seconds"] = time.monotonic() - t0
        t0 = time.monotonic()
        classify, meta["classify_stats"] = run_batches(
            "classify", [cli, "classify", "--json", "--model", "ensemble", "--jobs", os.environ.get("RWC_JOBS", "2")],
            paths, "file", secs, log, base_timeout)
        meta["classify_seconds"] = time.monotonic() - t0
    save_json(os.path.join(results_dir, "genrescope.json"), {"meta": meta, "info": info, "classify": classify})


# ----------------------------------------------------------------------------- report

def num(x):
    return x if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def fmt_s(x):
    return "–" if x is None else f"{x:.2f}"


def other_decoders(rec):
    """[(tool, seconds or None)] of the cross-check decoders that can read the format."""
    out = []
    for k in ("mpg123", "sox", "native"):
        o = rec.get(k) if rec else None
        if o and not (k == "sox" and sox_unsupported(o)):
            out.append((o.get("tool", k), o.get("seconds")))
    return out


def others_text(rec):
    return ", ".join(f"{t} {fmt_s(v)}" if v is not None else f"{t} fails" for t, v in other_decoders(rec))


def reference_status(rec):
    """(kind, seconds, note): kind 'ok' (ffmpeg decodes it), 'short' (under 0.5 s), 'alt' (ffmpeg fails
    but another decoder plays it: seconds are that decoder's), or 'bad' (nothing decodes it)."""
    if not rec:
        return "bad", None, "not decoded by the reference"
    ff = rec["ffmpeg"]
    secs = ff.get("seconds") or 0.0
    others = [(t, v) for t, v in other_decoders(rec) if v is not None]
    if ff.get("rc") != 0 or secs <= 0.0:
        alt = [(t, v) for t, v in others if v >= MIN_AUDIO]
        why = f"ffmpeg fails (exit {ff.get('rc')}: {'; '.join(ff.get('errors', [])[:1])})"
        if alt:
            return "alt", alt[-1][1], why + f"; {alt[-1][0]} decodes {alt[-1][1]:.2f} s"
        return "bad", None, why + ("; " + others_text(rec) if others_text(rec) else "")
    if ff.get("errors") and not any(abs(v - secs) <= CUT_TOLERANCE for _t, v in others):
        return "bad", secs, f"ffmpeg reports errors ({ff['errors'][0]}) and no other decoder confirms {secs:.2f} s"
    if secs < MIN_AUDIO:
        return "short", secs, f"only {secs:.2f} s"
    return "ok", secs, ""


def licence_of(tree_pkg):
    """Short licence summary from usr/share/doc/<pkg>/copyright in the unpacked tree."""
    pkg = os.path.basename(tree_pkg)
    doc = os.path.join(tree_pkg, "usr", "share", "doc", pkg)
    if os.path.islink(doc):
        return f"(doc folder links to {os.readlink(doc)})"
    path = os.path.join(doc, "copyright")
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return "(no copyright file)"
    names = []
    if re.search(r"^Format:", text, re.M):
        for m in re.finditer(r"^License:[ \t]*(\S[^\n]*)", text, re.M):
            for part in re.split(r"\s+(?:or|and)\s+|\s*,\s*", m.group(1).strip()):
                part = part.strip()
                if part and part not in names:
                    names.append(part)
    else:
        patterns = [(r"GNU (?:General )?Public License.{0,60}?version 2|GPL-?v?2", "GPL-2"),
                    (r"GNU (?:General )?Public License.{0,60}?version 3|GPL-?v?3", "GPL-3"),
                    (r"Lesser General Public|LGPL", "LGPL"), (r"Creative Commons Attribution[- ]Share ?Alike|CC-BY-SA", "CC-BY-SA"),
                    (r"Creative Commons Attribution(?![- ]Share)|CC-BY(?!-SA)", "CC-BY"), (r"CC0|Public Domain Dedication", "CC0"),
                    (r"public domain", "public domain"), (r"Artistic License", "Artistic"),
                    (r"Permission is hereby granted, free of charge", "MIT/X11"), (r"Redistribution and use in source and binary", "BSD"),
                    (r"Open Font License", "OFL")]
        for pat, name in patterns:
            if re.search(pat, text, re.I | re.S) and name not in names:
                names.append(name)
        if not names and re.search(r"General Public License|GPL", text):
            names.append("GPL")
    short = ", ".join(names[:6]) + (f" (+{len(names) - 6} more)" if len(names) > 6 else "")
    return short or "(unrecognised; see copyright file)"


def deb_info(cache):
    out = {}
    debs = os.path.join(cache, "debs")
    if not os.path.isdir(debs):
        return out
    for name in os.listdir(debs):
        if name.endswith(".deb"):
            pkg = name.split("_")[0]
            try:
                v = subprocess.run(["dpkg-deb", "-f", os.path.join(debs, name), "Version"], capture_output=True,
                                   text=True).stdout.strip()
            except OSError:
                v = "?"
            out[pkg] = {"version": v, "size": os.path.getsize(os.path.join(debs, name)), "deb": name}
    return out


def genrescope_lengths(info_el, cls_el):
    """Genrescope's decoded lengths: (info decodedSeconds, classify seconds)."""
    dec = num(info_el.get("decodedSeconds")) if isinstance(info_el, dict) and "error" not in info_el else None
    cls = num(cls_el.get("seconds")) if isinstance(cls_el, dict) and "error" not in cls_el else None
    return dec, cls


def err_text(el):
    e = el.get("error") if isinstance(el, dict) else None
    if isinstance(e, dict):
        return f"[{e.get('code', '?')}] {e.get('message', '')}"
    if e is not None:
        return str(e)
    return None


def is_unsupported(el):
    e = el.get("error") if isinstance(el, dict) else None
    if not isinstance(e, dict):
        return False
    code, msg = str(e.get("code", "")), str(e.get("message", ""))
    return "unsupported" in code or bool(re.search(r"cannot decode.*convert", msg, re.I | re.S))


def md_escape(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


def cmd_report(cache):
    results_dir = os.path.join(cache, "results")
    ref = load_json(os.path.join(results_dir, "reference-cache.json"), {"files": {}})["files"]
    gs = load_json(os.path.join(results_dir, "genrescope.json"), None)
    ran_genrescope = gs is not None and os.environ.get("RWC_SKIP_GENRESCOPE") != "1"
    info = gs["info"] if ran_genrescope else {}
    classify = gs["classify"] if ran_genrescope else {}
    rows = all_files(cache)
    corpus = [r for r in rows if r["group"] == "corpus"]
    made = [r for r in rows if r["group"] == "made"]
    cache_rel = os.path.relpath(cache)

    abs_cache = os.path.abspath(cache)

    def short(msg):
        if msg is None:
            return None
        for base in (os.path.join(abs_cache, "tree") + os.sep, os.path.join(abs_cache, "made") + os.sep):
            msg = msg.replace(base, "")
        return msg

    def rel(p):
        for base in (os.path.join(cache, "tree"), os.path.join(cache, "made")):
            base = os.path.abspath(base)
            if p.startswith(base + os.sep):
                return p[len(base) + 1:]
        return p

    false_refusals, cuts, refused_elsewhere, unsupported, short_refused = [], [], [], [], []
    alt_refused, alt_cuts, tiny_refused, decoders_split = [], [], [], []
    disagree, header_lies, shown_off, notes_missing = [], [], [], 0
    verdicts = {}
    for r in rows:
        p = r["path"]
        rec = ref.get(p)
        kind, ref_secs, why = reference_status(rec)
        # cross-decoder disagreement (informational)
        if rec:
            ff_ok = rec["ffmpeg"].get("rc") == 0 and (rec["ffmpeg"].get("seconds") or 0) > 0
            ff_secs = rec["ffmpeg"].get("seconds") if ff_ok else None
            if not ff_ok or any(v is None or abs(v - ff_secs) > CUT_TOLERANCE for _t, v in other_decoders(rec)):
                if ff_ok or other_decoders(rec):
                    disagree.append((rel(p), None, ff_secs, None, others_text(rec)))
        if not ran_genrescope:
            verdicts[p] = "not run"
            continue
        iel, cel = info.get(p, {}), classify.get(p, {})
        dec, cls = genrescope_lengths(iel, cel)
        if isinstance(iel, dict) and "error" not in iel and "decodedSeconds" not in iel:
            notes_missing += 1
        ierr, cerr = short(err_text(iel)), short(err_text(cel))
        problems = []
        for which, e, el in (("info", ierr, iel), ("classify", cerr, cel)):
            if not e:
                continue
            if which == "classify" and (ref_secs is None or ref_secs < CLASSIFY_MIN + CUT_TOLERANCE):
                short_refused.append((rel(p), ref_secs, e))      # by design: songs under 10 s
                continue
            if kind == "bad":
                refused_elsewhere.append((rel(p), which, e, why))
                problems.append(f"refused ({which}); reference: {why}")
            elif is_unsupported(el):
                unsupported.append((rel(p), which, e, (rec["ffmpeg"].get("codec") or "?")))
                problems.append(f"unsupported codec ({which})")
            elif kind == "alt":
                alt_refused.append((rel(p), which, e, why))
                problems.append(f"refused ({which}: {e}); {why}")
            elif kind == "short":
                tiny_refused.append((rel(p), which, e, ref_secs))
                problems.append(f"refused a {ref_secs:.2f} s file ({which}: {e})")
            else:
                false_refusals.append((rel(p), which, e, ref_secs))
                problems.append(f"FALSE REFUSAL ({which}: {e})")
        if ref_secs is not None and kind != "bad":
            for which, g in (("info decodedSeconds", dec), ("classify seconds", cls)):
                if g is not None and abs(g - ref_secs) > CUT_TOLERANCE:
                    item = (rel(p), which, ref_secs, g, others_text(rec))
                    agreeing = [t for t, v in other_decoders(rec) if v is not None and abs(v - g) <= CUT_TOLERANCE]
                    if kind == "alt":
                        alt_cuts.append(item)
                        problems.append(f"{which} {g:.2f} s vs {ref_secs:.2f} s ({g - ref_secs:+.2f} s; {why})")
                    elif agreeing:
                        # ffmpeg alone hears more; the other reference decoders (sox, oggdec: libvorbis) agree
                        # with us, as for Vorbis whose first audio shares the last header page.
                        decoders_split.append(item + (", ".join(agreeing),))
                        problems.append(f"{which} {g:.2f} s: as {', '.join(agreeing)}; ffmpeg {ref_secs:.2f} s")
                    else:
                        cuts.append(item)
                        problems.append(f"CUT: {which} {g:.2f} s vs {ref_secs:.2f} s ({g - ref_secs:+.2f} s)")
            if isinstance(iel, dict) and iel.get("lengthFromHeader") == "exact" and num(iel.get("headerSeconds")) is not None:
                if abs(iel["headerSeconds"] - ref_secs) > CUT_TOLERANCE:
                    header_lies.append((rel(p), iel["headerSeconds"], ref_secs))
            shown = num(iel.get("durationSeconds")) if isinstance(iel, dict) and "error" not in iel else None
            if shown is not None and dec is not None and abs(shown - ref_secs) > CUT_TOLERANCE:
                shown_off.append((rel(p), shown, ref_secs, iel.get("lengthFromHeader")))
        if problems:
            verdicts[p] = "; ".join(problems)
        elif kind == "bad":
            verdicts[p] = f"accepted; reference: {why}"
        elif dec is None and cls is None:
            verdicts[p] = "ok (no decoded length from Genrescope to compare)"
        else:
            verdicts[p] = "ok"

    # ---- corpus statistics
    by_ext, by_codec, by_pkg = {}, {}, {}
    for r in corpus:
        rec = ref.get(r["path"]) or {}
        ff = rec.get("ffmpeg") or {}
        secs = ff.get("seconds") or 0.0
        e = by_ext.setdefault(r["ext"], [0, 0.0, 0])
        e[0] += 1
        e[1] += secs
        e[2] += os.path.getsize(r["path"])
        codec = f"{ff.get('codec', '?')} in {(ff.get('container') or '?').split(',')[0]}"
        c = by_codec.setdefault(codec, [0, 0.0])
        c[0] += 1
        c[1] += secs
        pk = by_pkg.setdefault(r["package"], {"files": 0, "secs": 0.0, "exts": {}})
        pk["files"] += 1
        pk["secs"] += secs
        pk["exts"][r["ext"]] = pk["exts"].get(r["ext"], 0) + 1
    total_secs = sum(v[1] for v in by_ext.values())
    debs = deb_info(cache)
    timings = []
    tpath = os.path.join(results_dir, "timings.tsv")
    if os.path.exists(tpath):
        with open(tpath, encoding="utf-8") as f:
            timings = [l.rstrip("\n").split("\t") for l in f if l.strip()]

    L = []
    L.append("# Real-world corpus check\n")
    L.append(f"Made by `scripts/realworld-corpus` on {time.strftime('%Y-%m-%d %H:%M')}. Reference lengths: "
             f"`ffmpeg -i F -f s16le -ac 1 -ar {REF_RATE} -` decoded in full (bytes / 2 / {REF_RATE}); "
             "cross-checked with `sox F -n stat`, `mpg123` (MP3) and the codec's own decoder (oggdec / opusdec / flac) for made files, Opus files and wherever ffmpeg and sox disagree.\n")
    if ran_genrescope:
        m = gs["meta"]
        L.append(f"Genrescope: `{m['cli']}` (`{m['info_args']}` and `classify --json --model ensemble`). "
                 f"info took {m['info_seconds']:.0f} s, classify {m['classify_seconds']:.0f} s.")
        if not m.get("decode_supported", True):
            L.append(" **This CLI has no `info --decode`**: info gave header data only, so decoded lengths "
                     "come from classify alone (files of 10 s and more).")
        if notes_missing:
            L.append(f" {notes_missing} info answers had no `decodedSeconds`.")
        for k in ("info_stats", "classify_stats"):
            s = m.get(k, {})
            if s.get("timeouts") or s.get("crashes"):
                L.append(f" {k.split('_')[0]}: {s.get('timeouts', 0)} calls timed out and {s.get('crashes', 0)} "
                         "crashed (each such batch was split until the file at fault was found).")
        L.append("\n")
    else:
        L.append("Genrescope was not run (`--reference-only` or no CLI).\n")
    L.append("## Summary\n")
    L.append(f"- Corpus: {len(corpus)} files from {len(by_pkg)} packages, {total_secs / 3600:.2f} hours; "
             f"made files: {len(made)}." + (" (`--made-only`: the corpus was skipped.)"
                                            if os.environ.get("RWC_MADE_ONLY") == "1" else ""))
    if ran_genrescope:
        L.append(f"- **False refusals: {len(false_refusals)}**")
        L.append(f"- **Cuts (> {CUT_TOLERANCE} s off the reference): {len({c[0] for c in cuts})} files** "
                 f"({len(cuts)} lengths: info and classify each count)")
        L.append(f"- Refused, also undecodable elsewhere: {len(refused_elsewhere)}; unsupported codec: "
                 f"{len(unsupported)}; classify refused as too short (by design): {len(short_refused)}; "
                 f"refused files under {MIN_AUDIO} s: {len(tiny_refused)}")
        L.append(f"- ffmpeg fails but another decoder plays the file: Genrescope refused {len(alt_refused)}, "
                 f"length off that decoder's: {len(alt_cuts)} (listed, not counted above)")
        L.append(f"- Off ffmpeg's length but equal to another reference decoder's (sox, oggdec, mpg123 …): "
                 f"{len({c[0] for c in decoders_split})} files (listed, not counted as cuts)")
        if header_lies:
            L.append(f"- `lengthFromHeader: exact` but the header is > {CUT_TOLERANCE} s off: {len(header_lies)}")
        if shown_off:
            L.append(f"- info's `durationSeconds` (what users see) > {CUT_TOLERANCE} s off the reference although "
                     f"decoded: {len(shown_off)}")
    L.append(f"- Reference decoders disagreeing (> {CUT_TOLERANCE} s, or one fails; Debian's sox has no Opus "
             f"reader, so opusdec checks Opus): {len(disagree)}")
    if timings:
        L.append("- Run time: " + ", ".join(f"{k} {float(v):.0f} s" for k, v in timings))
    L.append("")

    L.append("## Files per format (corpus)\n")
    L.append("| Extension | Files | Hours | MB |")
    L.append("|---|---:|---:|---:|")
    for ext, (n, s, b) in sorted(by_ext.items(), key=lambda kv: -kv[1][0]):
        L.append(f"| {ext} | {n} | {s / 3600:.2f} | {b / 1e6:.0f} |")
    L.append("")
    L.append("| Codec (as ffmpeg sees it) | Files | Hours |")
    L.append("|---|---:|---:|")
    for codec, (n, s) in sorted(by_codec.items(), key=lambda kv: -kv[1][0]):
        L.append(f"| {md_escape(codec)} | {n} | {s / 3600:.2f} |")
    L.append("")

    L.append("## Packages\n")
    L.append("| Package | Version | .deb MB | Audio files | Hours | Licence (debian/copyright) |")
    L.append("|---|---|---:|---:|---:|---|")
    tree_dir = os.path.join(cache, "tree")
    for pkg in sorted(d for d in os.listdir(tree_dir) if os.path.isdir(os.path.join(tree_dir, d))):
        d = debs.get(pkg, {})
        pk = by_pkg.get(pkg, {"files": 0, "secs": 0.0, "exts": {}})
        exts = ", ".join(f"{n} {e}" for e, n in sorted(pk["exts"].items(), key=lambda kv: -kv[1]))
        lic = licence_of(os.path.join(cache, "tree", pkg))
        L.append(f"| {pkg} | {d.get('version', '?')} | {d.get('size', 0) / 1e6:.1f} | {pk['files']} ({exts}) | "
                 f"{pk['secs'] / 3600:.2f} | {md_escape(lic)} |")
    L.append("")

    def listing(title, items, fmt, limit=None, count=None):
        L.append(f"## {title} ({len(items) if count is None else count})\n")
        if not items:
            L.append("None.\n")
            return
        for it in items[:limit] if limit else items:
            L.append("- " + fmt(it))
        if limit and len(items) > limit:
            L.append(f"- … and {len(items) - limit} more")
        L.append("")

    if ran_genrescope:
        listing("False refusals", false_refusals,
                lambda t: f"`{t[0]}` ({t[3]:.2f} s): {t[1]} says {md_escape(t[2])}")
        listing("Cuts", sorted(cuts, key=lambda t: -abs(t[3] - t[2])),
                lambda t: f"`{t[0]}`: {t[1]} {t[3]:.2f} s, reference {t[2]:.2f} s ({t[3] - t[2]:+.2f} s)"
                          + (f"; other decoders: {t[4]}" if t[4] else ""),
                count=f"{len({c[0] for c in cuts})} files")
        listing("Off ffmpeg's length, equal to another reference decoder's (not counted as cuts)", decoders_split,
                lambda t: f"`{t[0]}`: {t[1]} {t[3]:.2f} s as {t[5]}; ffmpeg {t[2]:.2f} s ({t[3] - t[2]:+.2f} s)")
        listing("Refused, also undecodable elsewhere", refused_elsewhere,
                lambda t: f"`{t[0]}`: {t[1]} says {md_escape(t[2])} — reference: {md_escape(t[3])}")
        listing("ffmpeg fails, another decoder plays it: refused by Genrescope", alt_refused,
                lambda t: f"`{t[0]}`: {t[1]} says {md_escape(t[2])} — {md_escape(t[3])}")
        listing("ffmpeg fails, another decoder plays it: Genrescope's length differs", alt_cuts,
                lambda t: f"`{t[0]}`: {t[1]} {t[3]:.2f} s vs {t[2]:.2f} s ({t[4]})")
        listing(f"Refused files under {MIN_AUDIO} s (not counted)", tiny_refused,
                lambda t: f"`{t[0]}` ({t[3]:.2f} s): {t[1]} says {md_escape(t[2])}", limit=30)
        listing("Refused: unsupported codec", unsupported,
                lambda t: f"`{t[0]}` ({t[3]}): {t[1]} says {md_escape(t[2])}")
        if header_lies:
            listing("Header length marked exact but wrong", header_lies,
                    lambda t: f"`{t[0]}`: header {t[1]:.2f} s, decoded (reference) {t[2]:.2f} s")
        if shown_off:
            listing("info durationSeconds off the reference", shown_off,
                    lambda t: f"`{t[0]}`: durationSeconds {t[1]:.2f} s, reference {t[2]:.2f} s "
                              f"(lengthFromHeader {t[3]})")
    listing(f"Reference decoders disagree (by more than {CUT_TOLERANCE} s, or one fails)", disagree,
            lambda t: f"`{t[0]}`: ffmpeg " + (f"{t[2]:.2f} s" if t[2] is not None else "fails") + f"; {t[4]}",
            limit=80)

    L.append("## Made files\n")
    L.append("| File | How it was made | Reference (ffmpeg) | Other decoders | Genrescope info | Genrescope classify | Verdict |")
    L.append("|---|---|---:|---|---|---|---|")
    for r in made:
        p = r["path"]
        rec = ref.get(p) or {}
        ff = rec.get("ffmpeg") or {}
        others = [others_text(rec)] if rec else []
        iel, cel = info.get(p, {}), classify.get(p, {})
        if ran_genrescope:
            ie = short(err_text(iel))
            if ie:
                gi = f"refused: {ie}"
            else:
                dec = num(iel.get("decodedSeconds"))
                gi = (f"decoded {fmt_s(dec)}" if dec is not None else "decoded –") + \
                     (f", header {fmt_s(num(iel.get('headerSeconds')))} ({iel.get('lengthFromHeader')})"
                      if "lengthFromHeader" in iel else
                      (f", duration {fmt_s(num(iel.get('durationSeconds')))}" if num(iel.get("durationSeconds")) is not None else ""))
                if iel.get("note"):
                    gi += f"; note: {iel['note']}"
            ce = short(err_text(cel))
            gc = (f"refused: {ce}" if ce != ie else "refused (same)") if ce else fmt_s(num(cel.get("seconds")))
        else:
            gi = gc = "not run"
        ref_cell = fmt_s(ff.get("seconds")) + (f" ({ff.get('codec')})" if ff.get("codec") else "")
        if ff.get("errors"):
            ref_cell += f"; errors: {ff['errors'][0][:80]}"
        L.append(f"| {r['name']} | {md_escape(r['how'])} | {md_escape(ref_cell)} | {md_escape(', '.join(others))} | "
                 f"{md_escape(gi)} | {md_escape(gc)} | {md_escape(verdicts.get(p, ''))} |")
    L.append("")

    report = "\n".join(L) + "\n"
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, "report.md"), "w", encoding="utf-8") as f:
        f.write(report)
    # Short form on stdout: everything up to the per-format tables, then the problem counts.
    summary = report.split("## Files per format")[0]
    print(summary.rstrip())
    if ran_genrescope:
        for title, items, fmt in (("False refusals", false_refusals, lambda t: f"{t[0]}: {t[1]}: {t[2]}"),
                                  ("Cuts", cuts, lambda t: f"{t[0]}: {t[1]} {t[3]:.2f} s vs {t[2]:.2f} s")):
            if items:
                print(f"\n{title}:")
                for it in items[:15]:
                    print("  " + fmt(it))
                if len(items) > 15:
                    print(f"  … {len(items) - 15} more in the report")
    print(f"\nFull report: {os.path.join(cache_rel, 'report.md')}")
    if not ran_genrescope:
        return 0
    return 0 if not false_refusals and not cuts else 1


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0
    cmd, args = argv[1], argv[2:]
    table = {"pk3": cmd_pk3, "ogg-stray": cmd_ogg_stray, "ogg-granule": cmd_ogg_granule, "ogg-chain": cmd_ogg_chain,
             "id3v24-append": cmd_id3v24_append, "apev2-append": cmd_apev2_append, "wav-datasize0": cmd_wav_datasize0,
             "list": cmd_list, "reference": cmd_reference, "genrescope": cmd_genrescope, "report": cmd_report}
    if cmd not in table:
        print(f"unknown subcommand {cmd}", file=sys.stderr)
        return 2
    rc = table[cmd](*args)
    return rc or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/python3
"""Reference timings on this machine, in the same run as our benchmarks.

librosa 0.8.1 is not packaged for Debian 12, so this times the two stages that
dominate its cost with the very libraries it calls (numpy 1.24's FFT and BLAS,
scipy 1.10's ndimage.median_filter), following librosa's code path:
  - the mel spectrogram: centred reflect-padded STFT (complex64 output), |X|^2,
    128-band Slaney filterbank via np.dot;
  - HPSS's two 31-point median filters on |X| (librosa spends ~90% of its
    57-feature time there).
Prints JSON: median milliseconds per 30 s clip over repeated runs, one thread.
"""
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import scipy.ndimage  # noqa: E402
import scipy.signal  # noqa: E402


def slaney_mel(sr, n_fft, n_mels=128):
    def hz_to_mel(f):
        f = np.asanyarray(f, dtype=float)
        mels = f / (200.0 / 3)
        log = f >= 1000.0
        mels[log] = 15.0 + np.log(f[log] / 1000.0) / (np.log(6.4) / 27.0)
        return mels

    def mel_to_hz(m):
        m = np.asanyarray(m, dtype=float)
        f = m * (200.0 / 3)
        log = m >= 15.0
        f[log] = 1000.0 * np.exp((np.log(6.4) / 27.0) * (m[log] - 15.0))
        return f

    fft_freqs = np.linspace(0, sr / 2, 1 + n_fft // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(np.array([0.0]))[0], hz_to_mel(np.array([sr / 2]))[0], n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fft_freqs)
    weights = np.zeros((n_mels, len(fft_freqs)))
    for i in range(n_mels):
        weights[i] = np.maximum(0, np.minimum(-ramps[i] / fdiff[i], ramps[i + 2] / fdiff[i + 1]))
    weights *= (2.0 / (mel_f[2:] - mel_f[:-2]))[:, None]
    return weights.astype(np.float32)


def stft(y, n_fft=2048, hop=512):
    window = scipy.signal.get_window("hann", n_fft, fftbins=True).reshape(-1, 1)
    y = np.pad(y, n_fft // 2, mode="reflect")
    frames = np.lib.stride_tricks.as_strided(
        y, shape=(n_fft, 1 + (len(y) - n_fft) // hop), strides=(y.itemsize, hop * y.itemsize))
    out = np.empty((1 + n_fft // 2, frames.shape[1]), dtype=np.complex64, order="F")
    # librosa processes blocks of columns that fit in 256 KiB (util.MAX_MEM_BLOCK).
    n_columns = max(2 ** 18 // (out.shape[0] * out.itemsize), 1)
    for s in range(0, out.shape[1], n_columns):
        t = min(s + n_columns, out.shape[1])
        out[:, s:t] = np.fft.rfft(window * frames[:, s:t], axis=0)
    return out


def median_ms(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000.0)
    return float(np.median(times))


def main():
    rng = np.random.default_rng(1)
    y = (rng.random(661794, dtype=np.float32) - 0.5).astype(np.float32)
    if len(sys.argv) > 1:
        import wave
        with wave.open(sys.argv[1]) as w:
            y = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
    mel_basis = slaney_mel(22050, 2048)

    def mel():
        return np.dot(mel_basis, np.abs(stft(y)) ** 2)

    S = np.abs(stft(y))

    def hpss_medians():
        scipy.ndimage.median_filter(S, size=(1, 31), mode="reflect")
        scipy.ndimage.median_filter(S, size=(31, 1), mode="reflect")

    print(json.dumps({
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "mel_ms": median_ms(mel, 15),
        "hpss_medians_ms": median_ms(hpss_medians, 5),
    }))


if __name__ == "__main__":
    main()

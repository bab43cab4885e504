#pragma once
// FFTW real-to-complex transforms that are safe to use from many threads.
// Planning (not thread-safe in FFTW) happens once per size under a mutex;
// each RealFft owns aligned buffers and runs the shared plan on them.

#include <complex>

namespace genrescope {

class RealFft {
public:
    explicit RealFft(int n);
    ~RealFft();
    RealFft(const RealFft&) = delete;
    RealFft& operator=(const RealFft&) = delete;

    int size() const { return n_; }
    double* input() { return in_; }                                // n real values
    const std::complex<double>* output() const { return out_; }    // n/2+1 bins
    void execute();

private:
    int n_;
    double* in_;
    std::complex<double>* out_;
    void* plan_;
};

/// Inverse of RealFft: n/2+1 complex bins to n real values (unnormalised, like FFTW).
class InverseRealFft {
public:
    explicit InverseRealFft(int n);
    ~InverseRealFft();
    InverseRealFft(const InverseRealFft&) = delete;
    InverseRealFft& operator=(const InverseRealFft&) = delete;

    int size() const { return n_; }
    std::complex<double>* input() { return in_; }
    const double* output() const { return out_; }
    void execute();

private:
    int n_;
    std::complex<double>* in_;
    double* out_;
    void* plan_;
};

} // namespace genrescope

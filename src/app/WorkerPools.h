#pragma once
// Thread pools for the GUI's heavy work. Nothing heavy runs on QThreadPool::globalInstance():
// Qt 6's raster paint engine splits large fills over that pool, so analyses filling it froze
// painting for minutes (a folder of 40 songs).

class QThreadPool;

namespace genrescope::app::pools {

/// Song analyses: one thread per core.
QThreadPool* analysis();
/// Call first in a background task: the calling thread runs at a lower priority (nice 10), so
/// the UI thread gets a core at once when it needs one. Idempotent.
void runInBackground();
/// Training, evaluation and dataset summaries: two threads (a run and a data read).
QThreadPool* training();
/// The Live tab's rolling images and classifications: two threads, so they never queue behind songs.
QThreadPool* live();

} // namespace genrescope::app::pools

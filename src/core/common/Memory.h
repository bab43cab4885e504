#pragma once

namespace genrescope {

/// Keeps freed large buffers (spectrograms of a few MB) in the process instead of
/// returning them to the kernel, so repeated analyses do not pay page faults
/// again. Call once at program start.
void tuneAllocatorForLargeBuffers();

/// For a long-running window: a window's buffers (up to 32 MB) are kept for reuse, whole-song
/// buffers are mapped and given back when freed, and at most 64 MB of freed heap is kept, so
/// the resident size follows what the library holds. Call once at program start.
void tuneAllocatorForInteractiveUse();

} // namespace genrescope

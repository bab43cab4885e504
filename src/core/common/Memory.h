#pragma once

namespace genrescope {

/// Keeps freed large buffers (spectrograms of a few MB) in the process instead of
/// returning them to the kernel, so repeated analyses do not pay page faults
/// again. Call once at program start.
void tuneAllocatorForLargeBuffers();

} // namespace genrescope

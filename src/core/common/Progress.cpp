#include "common/Progress.h"

#include "common/Error.h"

namespace genrescope {

void TaskControl::throwIfCancelled() const
{
    if (cancelled())
        throw Cancelled();
}

} // namespace genrescope

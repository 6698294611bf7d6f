#pragma once

#include <QByteArrayView>

// Deepest nesting of arrays/objects in JSON text (strings skipped), counting
// no further than one past stopAt. No recursion, no allocation: parsers of
// outside input (log entries, the module's file) call it before nlohmann's
// recursive parser so that a hostile document cannot exhaust the stack.
int jsonTextDepth(QByteArrayView text, int stopAt);

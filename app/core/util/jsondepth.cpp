#include "core/util/jsondepth.h"

#include <algorithm>

int jsonTextDepth(QByteArrayView text, int stopAt)
{
    int depth = 0;
    int deepest = 0;
    bool inString = false;
    bool escaped = false;
    for (const char ch : text) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (ch == '\\')
                escaped = true;
            else if (ch == '"')
                inString = false;
            continue;
        }
        if (ch == '"') {
            inString = true;
        } else if (ch == '[' || ch == '{') {
            deepest = std::max(deepest, ++depth);
            if (deepest > stopAt)
                return deepest;
        } else if (ch == ']' || ch == '}') {
            depth = std::max(0, depth - 1);
        }
    }
    return deepest;
}

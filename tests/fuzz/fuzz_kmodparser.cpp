// The kernel module's /proc file as parseKmodJson() reads it. The file is
// written by a module, but its per-container strings (names, command lines)
// come from whatever runs in the containers.
#include "core/model/kmodjson.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray text = QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(size));
    RawSample sample;
    QString error;
    parseKmodJson(text, sample, &error);
    return 0;
}

// Alert rules files (docs/alerts.md) as parseRules() reads them: written by
// users, reloaded on SIGHUP by a running service.
#include "core/alerts/rules.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray text = QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(size));
    RulesError error;
    parseRules(text, &error);
    return 0;
}

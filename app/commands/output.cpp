#include "commands/output.h"

#include <cstdio>

namespace Output {

void error(const QString& message)
{
    std::fputs((QStringLiteral("stevedore: ") + message + QLatin1Char('\n')).toLocal8Bit().constData(), stderr);
    std::fflush(stderr);
}

void print(const QString& text)
{
    std::fputs(text.toLocal8Bit().constData(), stdout);
    std::fflush(stdout);
}

void printLine(const QString& text)
{
    print(text + QLatin1Char('\n'));
}

} // namespace Output

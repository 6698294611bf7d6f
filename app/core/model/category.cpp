#include "core/model/category.h"

#include <QList>

QString categoryName(Category category)
{
    switch (category) {
    case Category::Cpu:
        return QStringLiteral("cpu");
    case Category::Ram:
        return QStringLiteral("ram");
    case Category::Io:
        return QStringLiteral("io");
    case Category::Disk:
        return QStringLiteral("disk");
    case Category::Other:
        break;
    }
    return QStringLiteral("other");
}

std::optional<Category> categoryFromName(QStringView name)
{
    const QString n = name.trimmed().toString().toLower();
    if (n == QLatin1String("cpu"))
        return Category::Cpu;
    if (n == QLatin1String("ram") || n == QLatin1String("vm") || n == QLatin1String("memory"))
        return Category::Ram;
    if (n == QLatin1String("io"))
        return Category::Io;
    if (n == QLatin1String("disk") || n == QLatin1String("hdd"))
        return Category::Disk;
    if (n == QLatin1String("other"))
        return Category::Other;
    return std::nullopt;
}

Category categoryFromCmdline(QStringView cmdline)
{
    const auto words = cmdline.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    bool sawStress = false;
    for (QStringView word : words) {
        // /proc cmdlines lose shell quoting: `sh -c "exec stress --cpu 1"`
        // arrives as `sh -c exec stress --cpu 1` (or with the quotes kept
        // when it comes from a label or the Docker API), so strip them.
        while (word.startsWith(QLatin1Char('"')) || word.startsWith(QLatin1Char('\'')))
            word = word.mid(1);
        while (word.endsWith(QLatin1Char('"')) || word.endsWith(QLatin1Char('\'')))
            word.chop(1);
        if (!sawStress) {
            // The program may be given by path (/usr/bin/stress).
            sawStress = word.mid(word.lastIndexOf(QLatin1Char('/')) + 1) == QLatin1String("stress");
            continue;
        }
        if (word == QLatin1String("--cpu") || word == QLatin1String("-c"))
            return Category::Cpu;
        if (word == QLatin1String("--vm") || word == QLatin1String("-m"))
            return Category::Ram;
        if (word == QLatin1String("--io") || word == QLatin1String("-i"))
            return Category::Io;
        if (word == QLatin1String("--hdd") || word == QLatin1String("-d"))
            return Category::Disk;
    }
    return Category::Other;
}

Category classify(QStringView labelValue, QStringView cmdline)
{
    if (!labelValue.isEmpty()) {
        if (const auto c = categoryFromName(labelValue))
            return *c;
    }
    return categoryFromCmdline(cmdline);
}

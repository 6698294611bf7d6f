#pragma once

#include <QString>
#include <QStringView>

#include <array>
#include <optional>

// The four kinds of load the original's spawner creates, plus everything else.
// The manager keeps one container per managed category; `Other` is never
// grouped (it is shown, but the keep-newest rule does not apply to it).
enum class Category {
    Cpu,
    Ram,
    Io,
    Disk,
    Other,
};

constexpr std::array<Category, 4> managedCategories()
{
    return { Category::Cpu, Category::Ram, Category::Io, Category::Disk };
}

// "cpu", "ram", "io", "disk", "other": the spelling used in labels, JSON and the UI.
QString categoryName(Category category);
// Accepts the names above and the stress option spellings ("vm", "hdd"), case-insensitively.
std::optional<Category> categoryFromName(QStringView name);
// Classifies a stress command line: --cpu → cpu, --vm → ram, --io → io,
// --hdd → disk (short forms -c, -m, -i, -d too). The first load option wins, as
// it names the container in the original's spawner. Anything else is Other.
Category categoryFromCmdline(QStringView cmdline);
// Label first (`stevedore.category`), then the command line.
Category classify(QStringView labelValue, QStringView cmdline);

#include "gui/managerpane.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace {
// The verdicts as the window shows them, in the user's language;
// decisionResultName()'s words stay in the logs and the audit trail.
QString resultText(Decision::Result result)
{
    switch (result) {
    case Decision::Result::Removed:
        return ManagerPane::tr("removed");
    case Decision::Result::AlreadyGone:
        return ManagerPane::tr("already gone");
    case Decision::Result::Failed:
        return ManagerPane::tr("failed");
    case Decision::Result::DryRun:
        return ManagerPane::tr("dry-run");
    case Decision::Result::Pending:
        return ManagerPane::tr("pending");
    case Decision::Result::NotActed:
        break;
    }
    return ManagerPane::tr("not acted");
}
} // namespace

ManagerPane::ManagerPane(QWidget* parent)
    : QWidget(parent)
    , m_auto(new QCheckBox(tr("&Auto-manage")))
    , m_dry(new QCheckBox(tr("D&ry run")))
    , m_interval(new QDoubleSpinBox)
    , m_model(new QStandardItemModel(0, 6, this))
    , m_table(new QTableView)
    , m_log(new QPlainTextEdit)
{
    m_auto->setObjectName(QStringLiteral("autoManage"));
    m_dry->setObjectName(QStringLiteral("dryRun"));
    m_interval->setObjectName(QStringLiteral("interval"));
    // Short labels keep the pane narrow on a small screen; the tool tips
    // say the rest.
    m_auto->setToolTip(tr("Keep the newest container per category and remove the older ones. Only containers "
                          "labelled stevedore.managed=true are ever removed."));
    m_dry->setToolTip(tr("Decide and log, remove nothing."));
    m_interval->setRange(0.5, 3600);
    m_interval->setDecimals(1);
    m_interval->setSingleStep(1);
    m_interval->setSuffix(tr(" s"));
    m_interval->setKeyboardTracking(false);

    m_model->setHorizontalHeaderLabels(
        { tr("Time"), tr("Result"), tr("Container"), tr("Category"), tr("ID"), tr("Reason") });
    m_table->setObjectName(QStringLiteral("decisionLog"));
    m_table->setModel(m_model);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    const int digit = m_table->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    for (const auto& [column, chars] : { std::pair { 0, 10 }, { 1, 12 }, { 2, 22 }, { 3, 9 }, { 4, 14 } })
        m_table->setColumnWidth(column, chars * digit);
    m_log->setObjectName(QStringLiteral("managerLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(kMaxLogLines);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_log->setFont(mono);

    auto* form = new QFormLayout;
    form->addRow(m_auto);
    form->addRow(m_dry);
    form->addRow(tr("&Interval:"), m_interval);
    auto* split = new QSplitter(Qt::Vertical);
    auto* decisions = new QWidget;
    auto* dl = new QVBoxLayout(decisions);
    dl->setContentsMargins(0, 0, 0, 0);
    dl->addWidget(new QLabel(tr("Removals (manager and user):")));
    dl->addWidget(m_table);
    split->addWidget(decisions);
    split->addWidget(m_log);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(split, 1);

    connect(m_auto, &QCheckBox::toggled, this, &ManagerPane::autoManageChanged);
    connect(m_dry, &QCheckBox::toggled, this, &ManagerPane::dryRunChanged);
    connect(m_interval, &QDoubleSpinBox::valueChanged, this, &ManagerPane::intervalChanged);
}

void ManagerPane::setAutoManage(bool on)
{
    m_auto->setChecked(on);
}

void ManagerPane::setDryRun(bool on)
{
    m_dry->setChecked(on);
}

void ManagerPane::setIntervalSeconds(double seconds)
{
    m_interval->setValue(seconds);
}

bool ManagerPane::autoManage() const
{
    return m_auto->isChecked();
}

bool ManagerPane::dryRun() const
{
    return m_dry->isChecked();
}

double ManagerPane::intervalSeconds() const
{
    return m_interval->value();
}

int ManagerPane::decisionCount() const
{
    return m_model->rowCount();
}

void ManagerPane::addDecisions(const QList<Decision>& decisions)
{
    for (const Decision& d : decisions) {
        if (d.action != Decision::Action::Kill)
            continue;
        const QDateTime when = d.time.isValid() ? d.time : QDateTime::currentDateTime();
        QString result = resultText(d.result);
        if (!d.error.isEmpty())
            result += QStringLiteral(": ") + d.error;
        QString reason = d.reason;
        if (!d.keptId.isEmpty())
            reason += tr(" (kept %1)").arg(d.keptId.left(12));
        QList<QStandardItem*> row = { new QStandardItem(when.toLocalTime().toString(QStringLiteral("HH:mm:ss"))),
                                      new QStandardItem(result),
                                      new QStandardItem(d.name.isEmpty() ? d.shortId() : d.name),
                                      new QStandardItem(categoryName(d.category)),
                                      new QStandardItem(d.shortId()),
                                      new QStandardItem(reason) };
        row.at(0)->setToolTip(when.toLocalTime().toString(Qt::ISODate));
        row.at(1)->setToolTip(result);
        row.at(5)->setToolTip(reason);
        // Newest first, so the latest removal is always in view.
        m_model->insertRow(0, row);
    }
    if (m_model->rowCount() > kMaxDecisions)
        m_model->removeRows(kMaxDecisions, m_model->rowCount() - kMaxDecisions);
}

void ManagerPane::addLogLine(const QString& line)
{
    m_log->appendPlainText(line.trimmed());
}

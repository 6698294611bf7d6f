#include "gui/exportcontroller.h"

#include "charts/chartexport.h"
#include "charts/charthistory.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>

ExportController::ExportController(const ChartHistory* history, QWidget* dialogParent)
    : QObject(dialogParent)
    , m_history(history)
    , m_dialogParent(dialogParent)
{
    setObjectName(QStringLiteral("exportController"));
}

ExportController::~ExportController() = default;

void ExportController::requestExport()
{
    if (m_job)
        return;
    QSettings settings;
    const QString start
        = settings
              .value(QStringLiteral("export/dir"), QStandardPaths::writableLocation(QStandardPaths::PicturesLocation))
              .toString();
    const QString dir = QFileDialog::getExistingDirectory(m_dialogParent, tr("Export charts to"), start);
    if (dir.isEmpty())
        return;
    settings.setValue(QStringLiteral("export/dir"), dir);
    exportTo(dir);
}

bool ExportController::exportTo(const QString& dir)
{
    if (m_job)
        return false;
    m_job = std::make_unique<ChartExportJob>(*m_history, dir);
    m_error.clear();
    if (!m_job->start(&m_error)) {
        m_job.reset();
        Q_EMIT finished({}, m_error);
        return false;
    }
    Q_EMIT started(m_job->stepCount());
    QTimer::singleShot(0, this, &ExportController::step);
    return true;
}

void ExportController::step()
{
    if (!m_job)
        return;
    const bool ok = m_job->next(&m_error);
    Q_EMIT progressed(m_job->stepsDone(), m_job->stepCount());
    if (ok && !m_job->atEnd()) {
        // One page per event-loop turn: input and ticks go through between.
        QTimer::singleShot(0, this, &ExportController::step);
        return;
    }
    const QStringList files = m_job->writtenFiles();
    m_job.reset();
    Q_EMIT finished(files, ok ? QString() : m_error);
}

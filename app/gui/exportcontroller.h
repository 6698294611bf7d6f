#pragma once

#include <QObject>
#include <QStringList>

#include <memory>

class ChartExportJob;
class ChartHistory;
class QWidget;

// Export charts…: asks for a directory, then writes PNG and SVG of every
// chart page and the CSV of the series, one page per event-loop turn so
// ticks and input go on meanwhile. One export at a time.
class ExportController : public QObject
{
    Q_OBJECT
public:
    ExportController(const ChartHistory* history, QWidget* dialogParent);
    ~ExportController() override;

    bool isExporting() const { return m_job != nullptr; }

public Q_SLOTS:
    // Asks for a directory (remembered in the settings), then exportTo().
    void requestExport();
    // False (and finished() with the error) when it cannot start, or while
    // another export runs.
    bool exportTo(const QString& dir);

Q_SIGNALS:
    void started(int steps);
    void progressed(int stepsDone, int steps);
    void finished(const QStringList& files, const QString& error);

private:
    void step();

    const ChartHistory* m_history;
    QWidget* m_dialogParent;
    std::unique_ptr<ChartExportJob> m_job;
    QString m_error;
};

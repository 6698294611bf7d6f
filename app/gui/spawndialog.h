#pragma once

#include "core/manager/containeractions.h"

#include <QDialog>

class QCheckBox;
class QLineEdit;
class QSpinBox;
class QDialogButtonBox;

// Spawn…: how many containers, of which types (each one drawn at random
// among the ticked types, as the original's script does among all four), and
// the image. The containers are made asynchronously after the dialog closes;
// the status bar shows the image pull and the progress.
class SpawnDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SpawnDialog(const SpawnSettings& defaults, QWidget* parent = nullptr);

    SpawnRequest request() const;
    void setRequest(const SpawnRequest& request);

    QSpinBox* countBox() const { return m_count; }
    QCheckBox* typeBox(StressType type) const;
    QLineEdit* imageEdit() const { return m_image; }

private:
    void validate();

    QSpinBox* m_count;
    QList<QPair<StressType, QCheckBox*>> m_types;
    QLineEdit* m_image;
    QDialogButtonBox* m_buttons;
};

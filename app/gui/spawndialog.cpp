#include "gui/spawndialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

SpawnDialog::SpawnDialog(const SpawnSettings& defaults, QWidget* parent)
    : QDialog(parent)
    , m_count(new QSpinBox)
    , m_image(new QLineEdit(defaults.image))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel))
{
    setObjectName(QStringLiteral("spawnDialog"));
    setWindowTitle(tr("Spawn containers"));
    m_count->setObjectName(QStringLiteral("count"));
    m_count->setRange(1, 100);
    m_count->setValue(10); // the original's script makes 10 per run
    m_image->setObjectName(QStringLiteral("image"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Spawn"));

    auto* types = new QHBoxLayout;
    const QList<QPair<StressType, QString>> labels = { { StressType::Cpu, tr("&CPU") },
                                                       { StressType::Vm, tr("&RAM") },
                                                       { StressType::Io, tr("&I/O") },
                                                       { StressType::Hdd, tr("&Disk") } };
    for (const auto& [type, label] : labels) {
        auto* box = new QCheckBox(label);
        box->setObjectName(QStringLiteral("type_") + stressTypeToken(type));
        box->setChecked(defaults.types.isEmpty() || defaults.types.contains(type));
        box->setToolTip(QStringLiteral("stress ") + stressOptions(type, defaults));
        connect(box, &QCheckBox::toggled, this, &SpawnDialog::validate);
        types->addWidget(box);
        m_types.append({ type, box });
    }
    types->addStretch();

    auto* form = new QFormLayout(this);
    form->addRow(tr("&Number:"), m_count);
    form->addRow(tr("Types (random among):"), types);
    form->addRow(tr("&Image:"), m_image);
    auto* note = new QLabel(tr("Each container gets a random type among the ticked ones and the labels "
                               "stevedore.managed=true and stevedore.category. The image is pulled first if "
                               "it is missing."));
    note->setWordWrap(true);
    form->addRow(note);
    form->addRow(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_image, &QLineEdit::textChanged, this, &SpawnDialog::validate);
    validate();
}

QCheckBox* SpawnDialog::typeBox(StressType type) const
{
    for (const auto& [t, box] : m_types) {
        if (t == type)
            return box;
    }
    return nullptr;
}

SpawnRequest SpawnDialog::request() const
{
    SpawnRequest r;
    r.count = m_count->value();
    for (const auto& [type, box] : m_types) {
        if (box->isChecked())
            r.types.append(type);
    }
    r.image = m_image->text().trimmed();
    return r;
}

void SpawnDialog::setRequest(const SpawnRequest& request)
{
    m_count->setValue(request.count);
    for (const auto& [type, box] : m_types)
        box->setChecked(request.types.isEmpty() || request.types.contains(type));
    if (!request.image.isEmpty())
        m_image->setText(request.image);
}

void SpawnDialog::validate()
{
    bool anyType = false;
    for (const auto& entry : m_types)
        anyType = anyType || entry.second->isChecked();
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(anyType && !m_image->text().trimmed().isEmpty());
}

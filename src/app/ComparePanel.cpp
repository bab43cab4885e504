#include "ComparePanel.h"

#include "ChartAxes.h"
#include "WorkerPools.h"

#include "ConfusionMatrixView.h"
#include "FileDialogs.h"
#include "WorkerError.h"
#include "classify/GenreClassifier.h"
#include "common/Error.h"
#include "workflow/ModelCatalog.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QUnhandledException>
#include <QValueAxis>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace genrescope::app {

namespace {

std::vector<int> argmaxPerSong(const std::vector<std::vector<float>>& p)
{
    std::vector<int> out;
    for (const auto& song : p)
        out.push_back(classify::topClass(song).first);
    return out;
}

} // namespace

ComparePanel::ComparePanel(QWidget* parent)
    : QWidget(parent),
      mlpModel_(new QLineEdit(this)), cnnModel_(new QLineEdit(this)), features_(new QLineEdit(this)),
      images_(new QLineEdit(this)), list_(new QLineEdit(this)), audio_(new QLineEdit(this)),
      compareButton_(new QPushButton(tr("&Compare"), this)), summary_(new QLabel(this)),
      mlpMatrix_(new ConfusionMatrixView(this)), cnnMatrix_(new ConfusionMatrixView(this)),
      perGenre_(new QChartView(this)), disagree_(new QTableWidget(this))
{
    mlpModel_->setPlaceholderText(tr("built-in MLP"));
    cnnModel_->setPlaceholderText(tr("built-in CNN"));
    features_->setPlaceholderText(tr("features_30_sec.csv"));
    images_->setPlaceholderText(tr("images_original folder"));
    list_->setPlaceholderText(tr("optional: only the songs of a list file, e.g. valid.txt"));
    audio_->setPlaceholderText(tr("optional: genres_original folder, to play songs"));
    const std::pair<QLineEdit*, const char*> names[] = {{mlpModel_, "compareFeatureModel"}, {cnnModel_, "compareImageModel"},
                                                        {features_, "compareFeatures"}, {images_, "compareImages"},
                                                        {list_, "compareList"}, {audio_, "compareAudio"}};
    for (const auto& [edit, name] : names)
        edit->setObjectName(QLatin1String(name));
    compareButton_->setObjectName(QStringLiteral("compareRun"));
    summary_->setObjectName(QStringLiteral("compareSummary"));
    const QString models = tr("Genrescope models (*.gsm);;All files (*)");
    auto* form = new QFormLayout;
    form->addRow(tr("Feature model:"), withBrowseButton(mlpModel_, BrowseFor::File, tr("A feature model"), models));
    form->addRow(tr("Image model:"), withBrowseButton(cnnModel_, BrowseFor::File, tr("An image model"), models));
    form->addRow(tr("Features CSV:"), withBrowseButton(features_, BrowseFor::File, tr("A features CSV"),
                                                       tr("CSV files (*.csv);;All files (*)")));
    form->addRow(tr("Images folder:"), withBrowseButton(images_, BrowseFor::Folder, tr("An images_original folder")));
    form->addRow(tr("Song list:"), withBrowseButton(list_, BrowseFor::File, tr("A song list"),
                                                    tr("Lists (*.txt);;All files (*)")));
    form->addRow(tr("Audio folder:"), withBrowseButton(audio_, BrowseFor::Folder, tr("A genres_original folder")));
    form->addRow(QString(), compareButton_);
    summary_->setWordWrap(true);

    perGenre_->setRenderHint(QPainter::Antialiasing);
    perGenre_->setMinimumHeight(200);
    perGenre_->setChart(new QChart);
    perGenre_->chart()->setTitle(tr("Accuracy per genre"));
    disagree_->setColumnCount(4);
    disagree_->setHorizontalHeaderLabels({tr("Song"), tr("True"), tr("MLP"), tr("CNN")});
    disagree_->verticalHeader()->hide();
    disagree_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    disagree_->setSelectionBehavior(QAbstractItemView::SelectRows);
    disagree_->setSortingEnabled(true);
    disagree_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    disagree_->setToolTip(tr("Songs where the two models disagree; double-click plays one when an audio folder is set."));

    auto* matrices = new QHBoxLayout;
    for (auto [title, view] : {std::pair{tr("<b>MLP on features</b>"), mlpMatrix_}, std::pair{tr("<b>CNN on images</b>"), cnnMatrix_}}) {
        auto* box = new QVBoxLayout;
        box->addWidget(new QLabel(title, this));
        box->addWidget(view, 1);
        matrices->addLayout(box);
    }
    auto* left = new QVBoxLayout;
    left->addLayout(form);
    left->addWidget(summary_);
    left->addWidget(new QLabel(tr("<b>Where they disagree</b>"), this));
    left->addWidget(disagree_, 1);
    auto* right = new QVBoxLayout;
    right->addLayout(matrices, 3);
    right->addWidget(perGenre_, 2);
    auto* layout = new QHBoxLayout(this);
    layout->addLayout(left, 2);
    layout->addLayout(right, 3);

    connect(compareButton_, &QPushButton::clicked, this, &ComparePanel::compare);
    connect(disagree_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        const QString song = disagree_->item(row, 0)->text();
        const QString path = audio_->text().trimmed() + QStringLiteral("/%1/%2.wav").arg(song.section(QLatin1Char('.'), 0, 0), song);
        if (!audio_->text().trimmed().isEmpty() && QFileInfo::exists(path))
            Q_EMIT playRequested(path);
    });
}

ComparePanel::~ComparePanel()
{
    if (watcher_)
        watcher_->waitForFinished();
}

void ComparePanel::setInputs(const QString& features, const QString& images, const QString& list, const QString& audioFolder)
{
    features_->setText(features);
    images_->setText(images);
    list_->setText(list);
    audio_->setText(audioFolder);
}

int ComparePanel::disagreements() const
{
    return disagree_->rowCount();
}

void ComparePanel::compare()
{
    if (watcher_)
        return;
    compareButton_->setEnabled(false);
    summary_->setText(tr("Loading the data and running both models…"));
    const QString mlpPath = mlpModel_->text().trimmed(), cnnPath = cnnModel_->text().trimmed();
    const QString features = features_->text().trimmed(), images = images_->text().trimmed(), list = list_->text().trimmed();
    watcher_ = new QFutureWatcher<std::shared_ptr<classify::JoinedPredictions>>(this);
    connect(watcher_, &QFutureWatcherBase::finished, this, &ComparePanel::finished);
    watcher_->setFuture(QtConcurrent::run(pools::training(), [=] {
        // Empty fields are the built-in models; the pair's ensemble weight is the one `evaluate` uses.
        const workflow::ModelChoice models = workflow::chooseModels(
            {mlpPath.isEmpty() ? QLatin1String(workflow::kBuiltInMlp) : mlpPath,
             cnnPath.isEmpty() ? QLatin1String(workflow::kBuiltInCnn) : cnnPath},
            workflow::Completion::None);
        if (!models.mlp || !models.cnn)
            throw Error(ErrorCode::InvalidArgument, tr("Compare needs a features model and an image model."));
        auto joined = std::make_shared<classify::JoinedPredictions>(classify::predictJoined(
            *models.mlp, *models.cnn, data::loadDataset(features, data::InputKind::Features),
            data::loadDataset(images, data::InputKind::Image), list));
        joined->mlpWeight = models.mlpWeight();
        return joined;
    }));
}

void ComparePanel::finished()
{
    auto* watcher = watcher_;
    watcher_ = nullptr;
    watcher->deleteLater();
    compareButton_->setEnabled(true);
    try {
        show(*watcher->result());
    } catch (const QUnhandledException& wrapped) {
        summary_->setText(QStringLiteral("<span style='color:#c33'>%1</span>").arg(workerErrorMessage(wrapped).toHtmlEscaped()));
    }
    Q_EMIT compared();
}

void ComparePanel::show(const classify::JoinedPredictions& j)
{
    const ml::ClassificationReport mlp = classify::ensembleReport(j, 1.0), cnn = classify::ensembleReport(j, 0.0);
    mlpMatrix_->setMatrix(mlp.confusion, j.classes);
    cnnMatrix_->setMatrix(cnn.confusion, j.classes);
    const std::vector<int> a = argmaxPerSong(j.mlp), b = argmaxPerSong(j.cnn);
    disagree_->setSortingEnabled(false);
    disagree_->setRowCount(0);
    int agree = 0;
    for (size_t s = 0; s < a.size(); ++s) {
        if (a[s] == b[s]) {
            ++agree;
            continue;
        }
        const int row = disagree_->rowCount();
        disagree_->insertRow(row);
        const QStringList cells{j.songs[qsizetype(s)], j.classes[j.labels[s]], j.classes[a[s]], j.classes[b[s]]};
        for (int c = 0; c < cells.size(); ++c)
            disagree_->setItem(row, c, new QTableWidgetItem(cells[c]));
    }
    disagree_->setSortingEnabled(true);
    summary_->setText(tr("%1 songs. MLP %2 %, CNN %3 %, ensemble (w = %4) %5 %. They agree on %6 % of the songs.%7")
                          .arg(j.songs.size())
                          .arg(100.0 * mlp.accuracy, 0, 'f', 1).arg(100.0 * cnn.accuracy, 0, 'f', 1)
                          .arg(j.mlpWeight, 0, 'f', 2)
                          .arg(100.0 * classify::ensembleReport(j, j.mlpWeight).accuracy, 0, 'f', 1)
                          .arg(100.0 * agree / std::max<size_t>(1, a.size()), 0, 'f', 0)
                          .arg(j.missing.isEmpty() ? QString() : tr(" %1 songs were in only one dataset and were left out.").arg(j.missing.size())));

    QChart* chart = perGenre_->chart();
    chart->removeAllSeries();
    deleteAxes(chart);
    auto* series = new QBarSeries;
    auto* mlpSet = new QBarSet(tr("MLP"));
    auto* cnnSet = new QBarSet(tr("CNN"));
    mlpSet->setColor(QColor(70, 130, 180));
    cnnSet->setColor(QColor(230, 140, 50));
    for (int c = 0; c < j.classes.size(); ++c) {
        *mlpSet << 100.0 * mlp.recall[size_t(c)];
        *cnnSet << 100.0 * cnn.recall[size_t(c)];
    }
    series->append(mlpSet);
    series->append(cnnSet);
    chart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(j.classes);
    auto* y = new QValueAxis;
    y->setRange(0, 100);
    y->setLabelFormat(QStringLiteral("%d %%"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
}

} // namespace genrescope::app

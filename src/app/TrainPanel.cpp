#include "TrainPanel.h"

#include "workflow/ModelCatalog.h"
#include "workflow/SongSummary.h"
#include "workflow/TrainingRecipes.h"

#include "ClassBucketsView.h"
#include "ConfusionMatrixView.h"
#include "FileDialogs.h"
#include "CurveChart.h"
#include "LayerEditor.h"
#include "ParameterWidgets.h"
#include "WorkerError.h"
#include "audio/AudioFormats.h"
#include "common/Error.h"
#include "data/Dataset.h"
#include "WorkerPools.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QDialog>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QFutureWatcher>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QScrollArea>
#include <QMimeData>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QStandardPaths>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QUnhandledException>
#include <QThread>
#include <QtConcurrent>

#include <cmath>

namespace genrescope::app {

namespace {

QString percent(double v)
{
    return std::isfinite(v) ? QStringLiteral("%1 %").arg(100.0 * v, 0, 'f', 1) : QStringLiteral("–");
}

/// A button that also takes a dropped file.
class DropButton : public QPushButton {
public:
    using QPushButton::QPushButton;
    std::function<void(const QString&)> onDrop;

protected:
    void dragEnterEvent(QDragEnterEvent* event) override
    {
        if (isEnabled() && event->mimeData()->hasUrls() && event->mimeData()->urls().front().isLocalFile())
            event->acceptProposedAction();
    }
    void dropEvent(QDropEvent* event) override
    {
        event->acceptProposedAction();
        if (onDrop)
            onDrop(event->mimeData()->urls().front().toLocalFile());
    }
};

} // namespace

TrainPanel::TrainPanel(QWidget* parent)
    : QWidget(parent),
      dataPath_(new QLineEdit(this)), dataSummary_(new QLabel(this)), input_(new QComboBox(this)),
      split_(new QComboBox(this)), scoring_(new QComboBox(this)), listDir_(new QLineEdit(this)), seed_(new QSpinBox(this)), preset_(new QComboBox(this)),
      architecture_(new QLineEdit(this)), optimizer_(new QComboBox(this)), learningRate_(new QDoubleSpinBox(this)),
      batch_(new QSpinBox(this)), epochs_(new QSpinBox(this)), patience_(new QSpinBox(this)), crop_(new QSpinBox(this)),
      startButton_(new QPushButton(tr("&Start"), this)), pairButton_(new QPushButton(tr("Train &Pair"), this)),
      stopButton_(new QPushButton(tr("S&top"), this)),
      saveButton_(new QPushButton(tr("Save &Model…"), this)), useButton_(new QPushButton(tr("&Use in Explore"), this)),
      tryButton_(new DropButton(tr("Try on a &File…"), this)), tryResult_(new QLabel(this)), shownModel_(new QComboBox(this)),
      buckets_(new ClassBucketsView(this)),
      progress_(new QProgressBar(this)), status_(new QLabel(this)),
      loss_(new CurveChart(tr("Loss"), tr("cross-entropy"), this)),
      accuracy_(new CurveChart(tr("Accuracy"), tr("accuracy"), this)),
      smoothing_(new QSlider(Qt::Horizontal, this)), logScale_(new QCheckBox(tr("&Log scale (loss)"), this)),
      confusion_(new ConfusionMatrixView(this)), normalised_(new QCheckBox(tr("&Normalised"), this)),
      scores_(new QTableWidget(this)), cellSongs_(new QListWidget(this)), historyTable_(new QTableWidget(this)),
      compareRunsButton_(new QPushButton(tr("Compare &Runs"), this)), layers_(new LayerEditor(this))
{
    dataSummary_->setObjectName(QStringLiteral("dataSummary"));
    status_->setObjectName(QStringLiteral("trainStatus"));
    // Tests and scripts find the form's widgets by these names.
    const std::pair<QWidget*, const char*> named[] = {
        {dataPath_, "trainData"}, {input_, "trainNetwork"}, {split_, "trainSplit"}, {scoring_, "trainScoring"},
        {listDir_, "trainListFolder"},
        {seed_, "trainSeed"}, {architecture_, "trainLayers"}, {optimizer_, "trainOptimizer"},
        {learningRate_, "trainLearningRate"}, {batch_, "trainBatch"}, {epochs_, "trainEpochs"},
        {patience_, "trainPatience"}, {crop_, "trainCrop"}, {startButton_, "trainStart"}, {pairButton_, "trainPair"},
        {stopButton_, "trainStop"}, {saveButton_, "trainSave"}, {useButton_, "trainUse"}, {tryButton_, "trainTry"},
        {tryResult_, "trainTryResult"}, {shownModel_, "trainShownModel"}, {buckets_, "trainClassBuckets"}};
    for (const auto& [widget, name] : named)
        widget->setObjectName(QLatin1String(name));
    // Settings column.
    dataPath_->setPlaceholderText(tr("empty: the songs in Classes; or a features CSV or images_original folder"));
    dataPath_->setToolTip(tr("A folder of genre folders of songs (e.g. genres_original) fills the classes above."));
    dataSummary_->setWordWrap(true);
    // Ranges, choices, tooltips and starting values come from the settings' one declaration
    // (workflow/TrainingParameters.h), which the CLI's options read too.
    configureWidget(input_, "input");
    configureWidget(split_, "split");
    listDir_->setPlaceholderText(tr("folder with train.txt, valid.txt, test.txt"));
    configureWidget(scoring_, "cv");
    configureWidget(seed_, "seed");
    preset_->setObjectName(QStringLiteral("trainPreset"));
    for (const workflow::TrainingRecipe& recipe : workflow::trainingRecipes())
        if (!recipe.needsInitialModel)  // the tab has no starting model to give (genrescope-cli train --init)
            preset_->addItem(recipe.name, recipe.id);
    configureWidget(architecture_, "arch");
    configureWidget(optimizer_, "optimizer");
    configureWidget(learningRate_, "lr");
    configureWidget(batch_, "batch");
    configureWidget(epochs_, "epochs");
    configureWidget(patience_, "patience");
    configureWidget(crop_, "crop");

    auto* form = new QFormLayout;
    form->addRow(tr("Data:"), withBrowseButton(dataPath_, BrowseFor::FileOrFolder, tr("Features CSV, image or audio folder"),
                                               tr("CSV files (*.csv);;All files (*)")));
    form->addRow(QString(), dataSummary_);
    form->addRow(formLabel("input"), input_);
    form->addRow(tr("&Preset:"), preset_);
    form->addRow(formLabel("arch"), architecture_);
    form->addRow(QString(), layers_);
    form->addRow(formLabel("split"), split_);
    form->addRow(formLabel("cv"), scoring_);
    form->addRow(tr("List &folder:"), withBrowseButton(listDir_, BrowseFor::Folder, tr("Folder of train.txt, valid.txt, test.txt")));
    form->addRow(formLabel("seed"), seed_);
    form->addRow(formLabel("optimizer"), optimizer_);
    form->addRow(formLabel("lr"), learningRate_);
    form->addRow(formLabel("batch"), batch_);
    form->addRow(formLabel("epochs"), epochs_);
    form->addRow(formLabel("patience"), patience_);
    form->addRow(formLabel("crop"), crop_);
    // Two fixed rows of buttons, always all shown: enabling one never moves another.
    auto* buttons = new QGridLayout;
    buttons->addWidget(startButton_, 0, 0);
    buttons->addWidget(pairButton_, 0, 1);
    buttons->addWidget(stopButton_, 0, 2);
    buttons->addWidget(saveButton_, 1, 0);
    buttons->addWidget(useButton_, 1, 1);
    buttons->addWidget(tryButton_, 1, 2);
    pairButton_->setToolTip(tr("Train the features MLP and the mel-image CNN on the songs in the classes (one "
                               "analysis, the same split, scoring and seed), to use together in Explore. Each "
                               "network uses its shipped recipe; Epochs and Patience apply to both only when "
                               "changed from the preset's."));
    tryButton_->setToolTip(tr("Classify a song with the model(s) just trained. You can also drop a file here."));
    tryButton_->setAcceptDrops(true);
    static_cast<DropButton*>(tryButton_)->onDrop = [this](const QString& path) { tryOnFile(path); };
    tryResult_->setWordWrap(true);
    tryResult_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    shownModel_->addItems({tr("MLP on features"), tr("CNN on mel images")});
    shownModel_->setToolTip(tr("Which model of the pair the matrix and scores show"));
    shownModel_->setEnabled(false);
    auto* classesBox = new QGroupBox(tr("Classes"), this);
    auto* classesLayout = new QVBoxLayout(classesBox);
    classesLayout->addWidget(buckets_);
    auto* settings = new QGroupBox(tr("Settings"), this);
    auto* settingsLayout = new QVBoxLayout(settings);
    settingsLayout->addLayout(form);
    settingsLayout->addStretch(1);
    // The run's actions, progress and outcome stay in view above the curves, whatever the form's scroll.
    auto* runBox = new QGroupBox(tr("Run"), this);
    auto* runLayout = new QHBoxLayout(runBox);
    runLayout->addLayout(buttons);
    auto* outcome = new QWidget(this);
    auto* outcomeLayout = new QVBoxLayout(outcome);
    outcomeLayout->setContentsMargins(0, 0, 0, 0);
    outcomeLayout->addWidget(tryResult_);
    outcomeLayout->addWidget(status_);
    outcomeLayout->addStretch(1);
    auto* outcomeScroll = new QScrollArea(this);
    outcomeScroll->setWidget(outcome);
    outcomeScroll->setWidgetResizable(true);
    outcomeScroll->setFrameShape(QFrame::NoFrame);
    outcomeScroll->setMinimumHeight(120);
    outcomeScroll->setMaximumHeight(300);
    auto* runText = new QVBoxLayout;
    runText->addWidget(progress_);
    runText->addWidget(outcomeScroll, 1);
    runLayout->addLayout(runText, 1);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(classesBox, 2);
    leftLayout->addWidget(settings, 3);
    status_->setWordWrap(true);
    stopButton_->setEnabled(false);
    saveButton_->setEnabled(false);
    useButton_->setEnabled(false);
    tryButton_->setEnabled(false);

    // Curves and results.
    smoothing_->setRange(0, 95);
    smoothing_->setToolTip(tr("Smoothing of the curves"));
    auto* curveControls = new QHBoxLayout;
    curveControls->addWidget(new QLabel(tr("Smoothing:"), this));
    curveControls->addWidget(smoothing_, 1);
    curveControls->addWidget(logScale_);
    auto* curves = new QHBoxLayout;
    curves->addWidget(loss_);
    curves->addWidget(accuracy_);
    scores_->setColumnCount(4);
    scores_->setHorizontalHeaderLabels({tr("Genre"), tr("Precision"), tr("Recall"), tr("F1")});
    scores_->verticalHeader()->hide();
    scores_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    scores_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    cellSongs_->setToolTip(tr("Songs in the chosen cell; double-click plays one when the data is audio."));
    auto* matrixBox = new QVBoxLayout;
    auto* matrixControls = new QHBoxLayout;
    matrixControls->addWidget(normalised_);
    matrixControls->addStretch(1);
    matrixControls->addWidget(shownModel_);
    matrixBox->addLayout(matrixControls);
    matrixBox->addWidget(confusion_, 1);
    auto* results = new QHBoxLayout;
    results->addLayout(matrixBox, 3);
    auto* side = new QVBoxLayout;
    side->addWidget(scores_, 2);
    side->addWidget(new QLabel(tr("Songs in the cell:"), this));
    side->addWidget(cellSongs_, 1);
    results->addLayout(side, 2);
    historyTable_->setColumnCount(8);
    historyTable_->setHorizontalHeaderLabels({tr("Date"), tr("Network"), tr("Layers"), tr("Split"), tr("Best valid"),
                                              tr("Test"), tr("Seconds"), tr("Model")});
    historyTable_->verticalHeader()->hide();
    historyTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    historyTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    historyTable_->setSortingEnabled(true);
    historyTable_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    historyTable_->horizontalHeader()->setStretchLastSection(true);
    historyTable_->setToolTip(tr("Select two runs (Ctrl+click) and press Compare Runs to overlay their curves."));

    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(runBox);
    rightLayout->addLayout(curveControls);
    rightLayout->addLayout(curves, 3);
    rightLayout->addLayout(results, 3);
    auto* historyHeader = new QHBoxLayout;
    historyHeader->addWidget(new QLabel(tr("<b>Run history</b>"), this));
    historyHeader->addStretch(1);
    historyHeader->addWidget(compareRunsButton_);
    rightLayout->addLayout(historyHeader);
    rightLayout->addWidget(historyTable_, 2);
    auto* splitter = new QSplitter(this);
    auto* leftScroll = new QScrollArea(this);
    leftScroll->setWidget(left);
    leftScroll->setWidgetResizable(true);
    leftScroll->setFrameShape(QFrame::NoFrame);
    splitter->addWidget(leftScroll);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({520, 1000});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(dataPath_, &QLineEdit::editingFinished, this, &TrainPanel::detectData);
    connect(preset_, &QComboBox::currentIndexChanged, this, &TrainPanel::applyPreset);
    // The preset follows the network: choosing (or loading data for) the other kind picks its shipped recipe.
    connect(input_, &QComboBox::currentIndexChanged, this, [this] {
        const data::InputKind input = data::parseInputKind(input_->currentData().toString());
        if (currentRecipe().input != input)
            setPreset(workflow::defaultTrainingRecipe(input).id);
    });
    // The spec line and the layer table edit the same thing.
    connect(architecture_, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (text != layers_->spec())
            layers_->setSpec(text);
    });
    connect(layers_, &LayerEditor::specChanged, architecture_, &QLineEdit::setText);
    connect(split_, &QComboBox::currentIndexChanged, this,
            [this] { listDir_->setEnabled(split_->currentData().toString() == QLatin1String("lists")); });
    connect(startButton_, &QPushButton::clicked, this, &TrainPanel::start);
    connect(pairButton_, &QPushButton::clicked, this, &TrainPanel::startPair);
    connect(tryButton_, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Try the model on a song"), lastFolder(),
                                                          tr("Audio (*.wav *.flac *.ogg *.opus *.mp3 *.aiff *.aif *.au);;All files (*)"));
        if (file.isEmpty())
            return;
        rememberFolder(file);
        tryOnFile(file);
    });
    connect(shownModel_, &QComboBox::currentIndexChanged, this, &TrainPanel::showModel);
    // Editing the classes makes them the data: the data field empties, and songs split by song.
    connect(buckets_, &ClassBucketsView::changed, this, [this] {
        if (buckets_->classes().isEmpty())
            return;
        if (!dataPath_->text().trimmed().isEmpty()) {
            dataPath_->clear();
            dataSummary_->setText(tr("Training on the songs in the classes."));
        }
        if (split_->currentData().toString() == QLatin1String("random"))
            split_->setCurrentIndex(split_->findData(QStringLiteral("song")));
    });
    connect(stopButton_, &QPushButton::clicked, this, &TrainPanel::stop);
    connect(saveButton_, &QPushButton::clicked, this, &TrainPanel::saveModel);
    connect(useButton_, &QPushButton::clicked, this, [this] {
        if (savedModelPath_.isEmpty())
            return;
        const bool pair = modelPaths_.size() == 2 && !modelPaths_[0].isEmpty() && !modelPaths_[1].isEmpty();
        const bool atChance = run_ && std::any_of(run_->outcomes.cbegin(), run_->outcomes.cend(),
                                                  [](const classify::TrainingOutcome& o) { return o.atChance; });
        if (atChance && !confirmingUse_) {  // ask once before using a model that guesses
            confirmingUse_ = true;
            useButton_->setText(tr("&Use Anyway"));
            status_->setText(status_->text() + tr("<br><b>This run did no better than chance.</b> Press Use Anyway to "
                                                  "classify with it all the same."));
            return;
        }
        if (pair)
            Q_EMIT usePairRequested(modelPaths_[0], modelPaths_[1]);
        else
            Q_EMIT useModelRequested(savedModelPath_, outcome_ && outcome_->model.inputKind == QLatin1String("features"));
    });
    connect(smoothing_, &QSlider::valueChanged, this, [this](int v) {
        loss_->setSmoothing(v / 100.0);
        accuracy_->setSmoothing(v / 100.0);
    });
    connect(logScale_, &QCheckBox::toggled, loss_, &CurveChart::setLogScale);
    connect(normalised_, &QCheckBox::toggled, confusion_, &ConfusionMatrixView::setNormalised);
    connect(confusion_, &ConfusionMatrixView::cellActivated, this, &TrainPanel::listCell);
    compareRunsButton_->setEnabled(false);
    connect(historyTable_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { compareRunsButton_->setEnabled(selectedRuns().size() == 2); });
    connect(compareRunsButton_, &QPushButton::clicked, this, [this] {
        const QList<int> runs = selectedRuns();
        if (runs.size() == 2)
            showRunComparison(runs[0], runs[1]);
    });
    connect(cellSongs_, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        const QString audio = item->data(Qt::UserRole).toString();
        if (!audio.isEmpty())
            Q_EMIT playRequested(audio);
    });

    listDir_->setEnabled(false);
    applyPreset();
    history_.load();
    if (!history_.error().isEmpty())
        status_->setText(history_.error());
    refreshHistoryTable();
}

TrainPanel::~TrainPanel()
{
    if (cancel_)
        cancel_->store(true);
    if (watcher_)
        watcher_->waitForFinished();
}

void TrainPanel::setDataPath(const QString& path)
{
    dataPath_->setText(path);
    detectData();
}

void TrainPanel::setPreset(const QString& id)
{
    if (const int index = preset_->findData(id); index >= 0)
        preset_->setCurrentIndex(index);
}

const workflow::TrainingRecipe& TrainPanel::currentRecipe() const
{
    const workflow::TrainingRecipe* recipe = workflow::findTrainingRecipe(preset_->currentData().toString());
    return recipe ? *recipe : workflow::trainingRecipes().front();
}

void TrainPanel::setListSplit(const QString& folder)
{
    split_->setCurrentIndex(split_->findData(QStringLiteral("lists")));
    listDir_->setText(folder);
}

void TrainPanel::setEpochs(int epochs)
{
    epochs_->setValue(epochs);
}

bool TrainPanel::isRunning() const
{
    return watcher_ != nullptr;
}

void TrainPanel::applyPreset()
{
    const workflow::TrainingRecipe& recipe = currentRecipe();
    input_->setCurrentIndex(input_->findData(data::inputKindName(recipe.input)));
    architecture_->setText(recipe.architecture);
    optimizer_->setCurrentText(recipe.optimizer);
    learningRate_->setValue(recipe.learningRate);
    batch_->setValue(recipe.batch);
    epochs_->setValue(recipe.epochs);
    patience_->setValue(recipe.patience);
    crop_->setValue(recipe.cropColumns);
}

std::pair<QString, QString> TrainPanel::summariseData(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return {tr("<span style='color:#c33'>%1: no such file or folder.</span>").arg(path.toHtmlEscaped()), {}};
    if (info.isFile()) {
        try {
            const data::Dataset d = data::loadFeaturesCsv(path);
            return {tr("Kaggle features CSV: %1 rows, %2 songs, %3 classes (%4).")
                        .arg(d.size()).arg(d.songCount()).arg(d.classes.size()).arg(d.classes.join(QStringLiteral(", "))),
                    QStringLiteral("features")};
        } catch (const Error& e) {
            return {tr("<span style='color:#c33'>%1</span>").arg(e.message().toHtmlEscaped()), QStringLiteral("features")};
        }
    }
    // Folders: count PNGs or audio files per genre folder without decoding anything.
    const QStringList audio = audioformats::collectAudioFiles({path});
    QStringList pngs;
    QDirIterator it(path, {QStringLiteral("*.png")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        pngs << it.next();
    const QStringList& files = pngs.isEmpty() ? audio : pngs;
    QSet<QString> classes;
    for (const QString& f : files)
        classes.insert(QFileInfo(f).dir().dirName());
    return {(pngs.isEmpty() ? tr("genres_original-style audio folder: %1 songs in %2 classes (features or "
                                 "images are computed once and cached).")
                            : tr("images_original-style folder: %1 images (one per song) in %2 classes."))
                .arg(files.size()).arg(classes.size()),
            pngs.isEmpty() ? QString() : QStringLiteral("image")};
}

void TrainPanel::detectData()
{
    // Reading a CSV or walking a folder can take a while: on the worker pool. A newer
    // choice replaces an older one still being read.
    if (detecting_)
        detecting_->disconnect(this);
    detecting_ = nullptr;
    const QString path = dataPath_->text().trimmed();
    if (path.isEmpty())
        return dataSummary_->clear();
    // A folder of genre folders of songs (genres_original, or one's own) becomes the classes.
    if (QFileInfo(path).isDir() && data::isSongFolder(path)) {
        buckets_->clear();
        if (const int added = buckets_->addClassFolders(path); added > 0) {
            dataPath_->clear();
            dataSummary_->setText(tr("%1 songs from %2 are in the classes above; Start and Train Pair train on them.")
                                      .arg(added).arg(path.toHtmlEscaped()));
        } else {
            dataSummary_->setText(tr("<span style='color:#c33'>%1 holds no songs in class folders (see Classes).</span>")
                                      .arg(path.toHtmlEscaped()));
        }
        return;
    }
    dataSummary_->setText(tr("Reading %1…").arg(path.toHtmlEscaped()));
    auto* watcher = new QFutureWatcher<std::pair<QString, QString>>(this);
    detecting_ = watcher;
    connect(watcher, &QFutureWatcherBase::finished, this, &TrainPanel::applyDataSummary);
    connect(watcher, &QFutureWatcherBase::finished, watcher, &QObject::deleteLater);
    watcher->setFuture(QtConcurrent::run(pools::training(), &TrainPanel::summariseData, path));
}

void TrainPanel::applyDataSummary()
{
    if (!detecting_)
        return;
    detecting_->waitForFinished();
    const auto [text, kind] = detecting_->result();
    detecting_->disconnect(this);
    detecting_ = nullptr;
    if (!kind.isEmpty())
        input_->setCurrentIndex(input_->findData(kind));
    dataSummary_->setText(text);
}

classify::TrainingRequest TrainPanel::request() const
{
    classify::TrainingRequest r;
    // The recipe's settings the form does not show (weight decay, input noise, log and ignored
    // features, crop views), then what the form shows.
    currentRecipe().applyTo(r);
    r.dataPath = dataPath_->text().trimmed();
    if (r.dataPath.isEmpty())
        r.songs = buckets_->classes().songs();
    r.threads = std::max(1, QThread::idealThreadCount());
    r.input = data::parseInputKind(input_->currentData().toString());
    r.architecture = architecture_->text().trimmed();
    const QString split = split_->currentData().toString();
    r.split = split == QLatin1String("lists") ? QStringLiteral("lists:") + listDir_->text().trimmed() : split;
    r.config.seed = unsigned(seed_->value());
    r.config.epochs = epochs_->value();
    r.config.batch = batch_->value();
    r.config.patience = patience_->value();
    r.config.optimizer.kind = ml::OptimizerConfig::parseKind(optimizer_->currentText());
    r.config.optimizer.learningRate = learningRate_->value();
    r.config.crop.columns = r.input == data::InputKind::Image ? crop_->value() : 0;
    const QString scoring = scoring_->currentData().toString();
    if (scoring != QLatin1String("off")) {
        r.crossValidation = classify::CrossValidation::parse(scoring);
        if (r.crossValidation.mode != classify::CrossValidation::Mode::Auto)
            r.config.patience = 0;  // every fold trains all epochs: there is no validation part to stop on
    }
    return r;
}

void TrainPanel::start()
{
    if (watcher_)
        return;
    applyDataSummary();  // a data choice still being read decides the input kind first
    classify::TrainingRequest r;
    try {
        r = request();
    } catch (const Error& e) {
        status_->setText(e.message());
        return;
    }
    if (r.dataPath.isEmpty() && r.songs.empty()) {
        status_->setText(tr("Add songs to the classes, or choose a features CSV or images folder, first."));
        return;
    }
    launch(r.songs.empty() ? tr("Loading the data…") : tr("Analysing the songs…"),
           [r](const workflow::TrainingProgress& progress) {
               RunResult result;
               result.outcomes.push_back(workflow::runTrainingJob(r, progress));
               result.skipped = result.outcomes.front().skipped;
               return result;
           });
}

std::pair<classify::TrainingRequest, classify::TrainingRequest> TrainPanel::pairRequests() const
{
    // Each network keeps its shipped recipe; the form gives the split, scoring and seed, and the epochs and
    // patience only when they were changed from the preset's.
    workflow::TrainingParameterValues shared;
    const QString split = split_->currentData().toString();
    shared.insert(QStringLiteral("split"), split == QLatin1String("lists") ? QStringLiteral("lists:") + listDir_->text().trimmed() : split);
    shared.insert(QStringLiteral("cv"), scoring_->currentData().toString());
    shared.insert(QStringLiteral("seed"), QString::number(seed_->value()));
    if (epochs_->value() != currentRecipe().epochs)
        shared.insert(QStringLiteral("epochs"), QString::number(epochs_->value()));
    if (patience_->value() != currentRecipe().patience)
        shared.insert(QStringLiteral("patience"), QString::number(patience_->value()));
    std::pair<classify::TrainingRequest, classify::TrainingRequest> requests{
        workflow::pairMemberRequest(data::InputKind::Features, shared),
        workflow::pairMemberRequest(data::InputKind::Image, shared)};
    requests.first.threads = requests.second.threads = std::max(1, QThread::idealThreadCount());
    return requests;
}

void TrainPanel::startPair()
{
    if (watcher_)
        return;
    const std::vector<classify::LabelledSong> songs = buckets_->classes().songs();
    if (songs.empty()) {
        status_->setText(tr("Train Pair trains on the songs in the classes: add songs or folders to them first."));
        return;
    }
    classify::TrainingRequest mlp, cnn;
    try {
        std::tie(mlp, cnn) = pairRequests();
    } catch (const Error& e) {
        status_->setText(e.message().toHtmlEscaped());
        return;
    }
    launch(tr("Analysing the songs…"), [songs, mlp, cnn](const workflow::TrainingProgress& progress) {
        workflow::PairOutcome pair = workflow::trainModelPair(songs, mlp, cnn, progress);
        RunResult result;
        result.pair = true;
        result.outcomes.push_back(std::move(pair.mlp));
        if (pair.cnn.model.network || !pair.cnn.result.message.isEmpty())  // no CNN when the MLP was stopped
            result.outcomes.push_back(std::move(pair.cnn));
        result.skipped = pair.skipped;
        return result;
    });
}

void TrainPanel::launch(const QString& firstStatus, std::function<RunResult(const workflow::TrainingProgress&)> work)
{
    loss_->clear();
    accuracy_->clear();
    runLabel_.clear();
    confirmingUse_ = false;
    useButton_->setText(tr("&Use in Explore"));
    confusion_->setMatrix({}, {});
    scores_->setRowCount(0);
    cellSongs_->clear();
    tryResult_->clear();
    trying_ = nullptr;  // a try of the last run's models no longer answers here
    trainClock_.invalidate();
    outcome_.reset();
    run_.reset();
    modelPaths_.clear();
    savedModelPath_.clear();
    shownModel_->setEnabled(false);
    for (QPushButton* b : {startButton_, pairButton_, saveButton_, useButton_, tryButton_})
        b->setEnabled(false);
    stopButton_->setEnabled(true);
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    status_->setText(firstStatus);

    cancel_ = std::make_shared<std::atomic<bool>>(false);
    auto cancel = cancel_;
    const QPointer<TrainPanel> self(this);
    const int epochs = std::max(1, epochs_->value());
    watcher_ = new QFutureWatcher<std::shared_ptr<RunResult>>(this);
    connect(watcher_, &QFutureWatcherBase::finished, this, &TrainPanel::finished);
    watcher_->setFuture(QtConcurrent::run(pools::training(), [work, cancel, self, epochs] {
        workflow::TrainingProgress progress;
        ml::TrainCallbacks& callbacks = progress.training;
        callbacks.cancel = cancel.get();
        auto lastReport = std::make_shared<QElapsedTimer>();
        lastReport->start();
        // Progress spans the models of a pair, and cross-validation's folds plus the training on every song.
        struct Position {
            std::atomic<int> model{0}, models{1}, run{1}, runs{1};
        };
        auto at = std::make_shared<Position>();
        const auto show = [self](double fraction, const QString& text) {
            QMetaObject::invokeMethod(self, [self, fraction, text] {
                if (!self || self->stopping())
                    return;
                self->progress_->setValue(int(fraction * 1000));
                self->status_->setText(text);
            }, Qt::QueuedConnection);
        };
        progress.onAnalysing = [lastReport, show](double fraction) {
            if (lastReport->elapsed() < 100 && fraction < 1.0)
                return;
            lastReport->restart();
            show(fraction, tr("Analysing the songs… %1 %").arg(int(100 * fraction)));
        };
        progress.onModel = [self, at](int model) {
            at->model = model;
            at->models = 2;
            QMetaObject::invokeMethod(self, [self, model] {
                if (!self)
                    return;
                self->trainClock_.invalidate();  // each model's time left from its own pace
                self->loss_->clear();
                self->accuracy_->clear();
                self->runLabel_ = model == 0 ? tr("MLP on features: ") : tr("CNN on mel images: ");
            }, Qt::QueuedConnection);
        };
        progress.crossValidation.onRun = [self, at](int run, int runs) {
            at->run = run;
            at->runs = runs;
            const QString model = at->models < 2 ? QString() : at->model == 0 ? tr("MLP on features: ") : tr("CNN on mel images: ");
            QMetaObject::invokeMethod(self, [self, run, runs, model] {
                if (!self)
                    return;
                self->loss_->clear();  // each training draws its own curves
                self->accuracy_->clear();
                self->runLabel_ = model + (run < runs ? tr("Fold %1 of %2: ").arg(run).arg(runs - 1) : tr("All songs: "));
            }, Qt::QueuedConnection);
        };
        callbacks.onBatch = [self, epochs, lastReport, at](int epoch, int batch, int batches, double) {
            if (lastReport->elapsed() < 100 && batch < batches)
                return;
            lastReport->restart();
            // The bar and the time left are the current model's: the pair's CNN takes far longer than its MLP.
            const double fraction =
                (double(at->run - 1) + (double(epoch - 1) + double(batch) / batches) / epochs) / double(at->runs);
            const bool cnnFollows = at->models == 2 && at->model == 0;
            QMetaObject::invokeMethod(self, [self, fraction, cnnFollows] {
                if (!self || self->stopping())
                    return;
                if (!self->trainClock_.isValid())  // the time left counts from the training, not the analysis
                    self->trainClock_.start();
                self->progress_->setValue(int(fraction * 1000));
                const double elapsed = self->trainClock_.elapsed() / 1000.0;
                self->status_->setText(self->runLabel_ + (fraction > 0.001
                    ? tr("Training… %1 s elapsed, about %2 s left%3").arg(elapsed, 0, 'f', 0)
                          .arg(elapsed * (1 - fraction) / fraction, 0, 'f', 0)
                          .arg(cnnFollows ? tr(" for the MLP, then the CNN trains") : QString())
                    : tr("Training…")));
            }, Qt::QueuedConnection);
        };
        callbacks.onEpoch = [self](const ml::EpochStats& e) {
            QMetaObject::invokeMethod(self, [self, e] {
                if (!self)
                    return;
                self->loss_->addPoint(e.epoch, e.trainLoss, e.validLoss);
                self->accuracy_->addPoint(e.epoch, e.trainAccuracy, e.validAccuracy);
            }, Qt::QueuedConnection);
        };
        return std::make_shared<RunResult>(work(progress));
    }));
}

bool TrainPanel::stopping() const
{
    return cancel_ && cancel_->load();
}

void TrainPanel::stop()
{
    if (cancel_)
        cancel_->store(true);
    status_->setText(tr("Stopping…"));
}

void TrainPanel::finished()
{
    auto* watcher = watcher_;
    watcher_ = nullptr;
    watcher->deleteLater();
    startButton_->setEnabled(true);
    pairButton_->setEnabled(true);
    stopButton_->setEnabled(false);
    QString error;
    try {
        run_ = watcher->result();  // rethrows what the worker threw, wrapped by QtConcurrent
    } catch (const QUnhandledException& wrapped) {
        error = workerErrorMessage(wrapped);
    }
    if (!error.isEmpty()) {
        progress_->setValue(0);
        status_->setText(stopping() ? tr("Stopped while the songs were analysed; nothing was trained.")
                                    : tr("<span style='color:#c33'>%1</span>").arg(error.toHtmlEscaped()));
        Q_EMIT runFinished();
        return;
    }
    progress_->setValue(1000);
    const bool pair = run_->outcomes.size() == 2;
    QStringList parts;
    for (int i = 0; i < int(run_->outcomes.size()); ++i) {
        const classify::TrainingOutcome& o = run_->outcomes[size_t(i)];
        QString text = describeOutcome(o) + keepOutcome(o, i);
        if (pair)
            text = QStringLiteral("<b>%1</b><br>").arg(i == 0 ? tr("MLP on features") : tr("CNN on mel images")) + text;
        parts << text;
    }
    if (dataPath_->text().trimmed().isEmpty())
        buckets_->setLeftOut(run_->skipped);
    if (run_->pair && run_->outcomes.size() == 1)
        parts << tr("The CNN was not trained: the run was stopped during the MLP's training.");
    if (!run_->skipped.isEmpty()) {
        QStringList shown = run_->skipped.mid(0, 5);
        for (QString& line : shown)
            line = line.toHtmlEscaped();
        parts << QStringLiteral("<span style='color:#b60'>%1</span><br>%2")
                     .arg(run_->skipped.size() == 1 ? tr("1 file was left out of the data:")
                                                      : tr("%1 files were left out of the data:").arg(run_->skipped.size()),
                          shown.join(QStringLiteral("<br>")) +
                              (run_->skipped.size() > 5 ? tr("<br>… and %1 more").arg(run_->skipped.size() - 5) : QString()));
    }
    status_->setText(parts.join(QStringLiteral("<br><br>")));
    refreshHistoryTable();
    shownModel_->setEnabled(pair);
    shownModel_->blockSignals(true);
    shownModel_->setCurrentIndex(0);
    shownModel_->blockSignals(false);
    showModel(0);
    tryButton_->setEnabled(std::any_of(modelPaths_.cbegin(), modelPaths_.cend(), [](const QString& p) { return !p.isEmpty(); }));
    Q_EMIT runFinished();
}

QString TrainPanel::describeOutcome(const classify::TrainingOutcome& o) const
{
    QString text = o.result.message.toHtmlEscaped();
    if (!o.crossValidation.empty())
        text += tr("<br><b>%1</b>: %2 ± %3 per song over %4 folds (%5 songs).")
                    .arg(o.crossValidation.description.toHtmlEscaped(), percent(o.crossValidation.meanSongAccuracy),
                         percent(o.crossValidation.sdSongAccuracy))
                    .arg(o.crossValidation.folds).arg(o.crossValidation.pooled.songs);
    if (!o.valid.empty())
        text += tr("<br>Validation: %1 per row, %2 per song (%3 songs).").arg(percent(o.valid.rowReport.accuracy),
                                                                            percent(o.valid.songReport.accuracy)).arg(o.valid.songs);
    if (!o.test.empty())
        text += tr("<br>Test: %1 per song.").arg(percent(o.test.songReport.accuracy));
    for (const QString& note : o.notes)
        text += QStringLiteral("<br><span style='color:#b60'>%1</span>").arg(note.toHtmlEscaped());
    return text;
}

QString TrainPanel::keepOutcome(const classify::TrainingOutcome& o, int index)
{
    QString text;
    QString path;
    // Keep the model in the data folder so the history can point at it.
    if (o.result.bestEpoch > 0 && o.model.network) {
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/models");
        QDir().mkpath(dir);
        path = dir + QStringLiteral("/%1-%2.gsm")
                         .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")), o.model.inputKind);
        try {
            ml::saveModel(o.model, path, false);
        } catch (const Error& e) {
            text += QStringLiteral("<br>") + e.message().toHtmlEscaped();
            path.clear();
        }
    }
    while (modelPaths_.size() <= index)
        modelPaths_ << QString();
    modelPaths_[index] = path;
    QJsonObject run = o.log;
    run.insert(QStringLiteral("date"), QDateTime::currentDateTime().toString(Qt::ISODate));
    run.insert(QStringLiteral("modelPath"), path);
    run.insert(QStringLiteral("bestValidAccuracy"), o.result.bestValidAccuracy);
    if (!o.test.empty())
        run.insert(QStringLiteral("testAccuracy"), o.test.songReport.accuracy);
    if (!history_.append(run))
        text += QStringLiteral("<br>") + history_.error().toHtmlEscaped();
    return text;
}

void TrainPanel::showModel(int index)
{
    confusion_->setMatrix({}, {});
    scores_->setRowCount(0);
    cellSongs_->clear();
    if (!run_ || index < 0 || index >= int(run_->outcomes.size()))
        return;
    outcome_ = std::shared_ptr<classify::TrainingOutcome>(run_, &run_->outcomes[size_t(index)]);
    savedModelPath_ = modelPaths_.value(index);
    saveButton_->setEnabled(!savedModelPath_.isEmpty());
    useButton_->setEnabled(!savedModelPath_.isEmpty());
    showOutcome(*outcome_);
}

void TrainPanel::showOutcome(const classify::TrainingOutcome& o)
{
    const classify::PartScores& scored = shownScores();
    lastValidRows_ = o.valid.songs;
    if (scored.empty())
        return;
    confusion_->setMatrix(scored.songReport.confusion, o.model.classes);
    scores_->setRowCount(int(o.model.classes.size()));
    for (int c = 0; c < o.model.classes.size(); ++c) {
        scores_->setItem(c, 0, new QTableWidgetItem(o.model.classes[c]));
        scores_->setItem(c, 1, new QTableWidgetItem(QString::number(scored.songReport.precision[size_t(c)], 'f', 3)));
        scores_->setItem(c, 2, new QTableWidgetItem(QString::number(scored.songReport.recall[size_t(c)], 'f', 3)));
        scores_->setItem(c, 3, new QTableWidgetItem(QString::number(scored.songReport.f1[size_t(c)], 'f', 3)));
    }
}

void TrainPanel::tryOnFile(const QString& path)
{
    std::shared_ptr<const ml::Model> models[2];
    if (run_)
        for (const classify::TrainingOutcome& o : run_->outcomes)
            if (o.result.bestEpoch > 0 && o.model.network)
                models[o.model.inputKind == QLatin1String("features") ? 0 : 1] = std::shared_ptr<const ml::Model>(run_, &o.model);
    workflow::ModelChoice choice;
    choice.mlp = models[0];
    choice.cnn = models[1];
    const auto classifier = choice.classifier();
    if (!classifier) {
        tryResult_->setText(tr("Train a model first, then try it on a song."));
        return;
    }
    const QString name = QFileInfo(path).fileName();
    tryResult_->setText(tr("Classifying %1…").arg(name.toHtmlEscaped()));
    auto* watcher = new QFutureWatcher<QString>(this);
    trying_ = watcher;
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        if (trying_ != watcher)
            return;  // a newer try replaced this one
        tryResult_->setText(watcher->result());
        Q_EMIT tryFinished();
    });
    watcher->setFuture(QtConcurrent::run(pools::analysis(), [classifier, path, name] {
        pools::runInBackground();
        try {
            const classify::SongPrediction p = classifier->classifyFile(path);
            const bool both = !p.mlp.empty() && !p.cnn.empty();
            QString text = tr("<b>%1</b>: %2%3").arg(name.toHtmlEscaped(),
                                                     workflow::describeProbabilities(p.ensemble, p.classes).toHtmlEscaped(),
                                                     both ? tr(" (the pair together)") : QString());
            if (both)
                text += tr("<br>MLP: %1; CNN: %2").arg(workflow::describeProbabilities(p.mlp, p.classes, 1).toHtmlEscaped(),
                                                      workflow::describeProbabilities(p.cnn, p.classes, 1).toHtmlEscaped());
            return text;
        } catch (const Error& e) {
            return tr("<span style='color:#c33'>%1: %2</span>").arg(name.toHtmlEscaped(), e.message().toHtmlEscaped());
        }
    }));
}

QString TrainPanel::audioFileOf(const QString& songId) const
{
    // Songs from the classes: a song id is GTZAN's ("blues.00012") or the path below the songs' common folder.
    for (const workflow::TrainingClass& c : buckets_->classes().classes())
        for (const QString& song : c.songs)
            if (song.endsWith(QLatin1Char('/') + songId) || QFileInfo(song).completeBaseName() == songId)
                return song;
    return {};
}

void TrainPanel::listCell(int trueClass, int predictedClass)
{
    cellSongs_->clear();
    if (!outcome_)
        return;
    const ml::SongPredictions& p = shownScores().songPredictions;
    for (qsizetype i = 0; i < p.songs.size(); ++i) {
        if (p.truth[size_t(i)] != trueClass || p.predicted[size_t(i)] != predictedClass)
            continue;
        auto* item = new QListWidgetItem(p.songs[i], cellSongs_);
        if (const QString audio = audioFileOf(p.songs[i]); !audio.isEmpty())
            item->setData(Qt::UserRole, audio);
    }
    if (cellSongs_->count() == 0)
        new QListWidgetItem(tr("(no songs)"), cellSongs_);
}

const classify::PartScores& TrainPanel::shownScores() const
{
    static const classify::PartScores none;
    if (!outcome_)
        return none;
    if (!outcome_->crossValidation.empty())
        return outcome_->crossValidation.pooled;
    return outcome_->valid.empty() ? outcome_->test : outcome_->valid;
}

void TrainPanel::saveModel()
{
    if (!outcome_ || savedModelPath_.isEmpty())
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the model"),
                                                      QDir(lastFolder()).filePath(QFileInfo(savedModelPath_).fileName()),
                                                      tr("Genrescope models (*.gsm)"));
    if (path.isEmpty())
        return;
    rememberFolder(path);
    try {
        ml::saveModel(outcome_->model, path, true);  // the dialog has asked before replacing a file
        status_->setText(tr("Saved %1").arg(path.toHtmlEscaped()));
    } catch (const Error& e) {
        status_->setText(tr("<span style='color:#c33'>%1</span>").arg(e.message().toHtmlEscaped()));
    }
}

QList<int> TrainPanel::selectedRuns() const
{
    QList<int> runs;
    for (const QModelIndex& index : historyTable_->selectionModel()->selectedRows())
        runs << historyTable_->item(index.row(), 0)->data(Qt::UserRole).toInt();
    std::sort(runs.begin(), runs.end());
    return runs;
}

QDialog* TrainPanel::showRunComparison(int first, int second)
{
    const QJsonObject runs[2] = {history_.runs().value(first), history_.runs().value(second)};
    auto* dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Runs %1 and %2").arg(first + 1).arg(second + 1));
    auto* accuracy = new CurveChart(tr("Validation accuracy"), tr("accuracy"), dialog);
    auto* loss = new CurveChart(tr("Validation loss"), tr("cross-entropy"), dialog);
    const QString names[2] = {tr("run %1 (%2)").arg(first + 1).arg(runs[0].value("architecture").toString().left(24)),
                              tr("run %1 (%2)").arg(second + 1).arg(runs[1].value("architecture").toString().left(24))};
    for (CurveChart* chart : {accuracy, loss})
        chart->setSeriesNames(names[0], names[1]);
    const QJsonArray curves[2] = {runs[0].value("history").toArray(), runs[1].value("history").toArray()};
    for (qsizetype e = 0; e < std::max(curves[0].size(), curves[1].size()); ++e) {
        auto value = [&](int run, const char* key) {
            const QJsonValue v = curves[run].at(e).toObject().value(QLatin1String(key));
            return e < curves[run].size() && v.isDouble() ? v.toDouble() : std::numeric_limits<double>::quiet_NaN();
        };
        accuracy->addPoint(int(e + 1), value(0, "validAccuracy"), value(1, "validAccuracy"));
        loss->addPoint(int(e + 1), value(0, "validLoss"), value(1, "validLoss"));
    }
    auto* layout = new QGridLayout(dialog);
    layout->addWidget(accuracy, 0, 0);
    layout->addWidget(loss, 0, 1);
    for (int r = 0; r < 2; ++r) {
        const QJsonObject report = runs[r].value("metrics").toObject().value("valid").toObject().value("songReport").toObject();
        std::vector<std::vector<long>> confusion;
        QStringList classes;
        for (const QJsonValue& row : report.value("confusion").toArray()) {
            confusion.emplace_back();
            for (const QJsonValue& cell : row.toArray())
                confusion.back().push_back(long(cell.toDouble()));
        }
        for (const QJsonValue& c : report.value("perClass").toArray())
            classes << c.toObject().value("class").toString();
        auto* box = new QVBoxLayout;
        box->addWidget(new QLabel(QStringLiteral("<b>%1</b>").arg(names[r].toHtmlEscaped()), dialog));
        auto* matrix = new ConfusionMatrixView(dialog);
        matrix->setObjectName(QStringLiteral("runMatrix%1").arg(r));
        matrix->setMatrix(confusion, classes);
        box->addWidget(matrix, 1);
        layout->addLayout(box, 1, r);
    }
    dialog->resize(1100, 800);
    dialog->show();
    return dialog;
}

void TrainPanel::refreshHistoryTable()
{
    historyTable_->setSortingEnabled(false);
    historyTable_->setRowCount(int(history_.runs().size()));
    int row = 0;
    for (const QJsonObject& run : history_.runs()) {
        const QJsonObject training = run.value("training").toObject();
        const QJsonObject metrics = run.value("metrics").toObject();
        const QJsonObject valid = metrics.value("valid").toObject(), cv = metrics.value("crossValidation").toObject();
        const QStringList cells{run.value("date").toString(), training.value("input").toString(),
                                run.value("architecture").toString(), training.value("split").toString(),
                                !cv.isEmpty() ? tr("%1 ± %2 (CV)").arg(percent(cv.value("meanSongAccuracy").toDouble()),
                                                                       percent(cv.value("sdSongAccuracy").toDouble()))
                                : valid.isEmpty() ? QStringLiteral("–") : percent(valid.value("songAccuracy").toDouble()),
                                run.contains("testAccuracy") ? percent(run.value("testAccuracy").toDouble()) : QStringLiteral("–"),
                                QString::number(training.value("seconds").toDouble(), 'f', 1), run.value("modelPath").toString()};
        for (int c = 0; c < cells.size(); ++c)
            historyTable_->setItem(row, c, new QTableWidgetItem(cells[c]));
        historyTable_->item(row, 0)->setData(Qt::UserRole, row);  // the run's index in the history
        ++row;
    }
    historyTable_->setSortingEnabled(true);
}

} // namespace genrescope::app

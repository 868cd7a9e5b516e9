namespace Myopia.Analysis.DiffeoStudy.ScaleDetection1d;

/// <summary>
/// Everything that defines one run of the 1-D scale-detection experiment (Tomasini et al. 2023, Fig. 7;
/// the authors' UmbertoTomasini/scale_detection_1d), in one record saved next to its results. Defaults are
/// the authors' except the width (theirs: 1000) and the training length, which are the caller's choice.
/// </summary>
/// <param name="Length">Signal length n (a power of the stride 2 so that the last block has one position).</param>
/// <param name="Xi">Scale ξ: block size of task 2, distance threshold of task 1; also the block the diffeo may not leave.</param>
/// <param name="Task">2: both sites in the same block ⌊r/ξ⌋ or not (the task of the paper); 1: periodic distance below ξ − gap or at least ξ + gap.</param>
/// <param name="Gap">Task 1's gap (the authors train with 0).</param>
/// <param name="Width">Channels H of every block (the authors: 1000).</param>
/// <param name="FilterSize">Filter size F of every block (the authors: 2, equal to the stride).</param>
/// <param name="TrainCount">P: training signals, half of each class.</param>
/// <param name="ValidationCount">Validation signals, half of each class (the authors: 128).</param>
/// <param name="Probes">Test signals the sensitivities are measured on, half of each class (the authors: a tenth of the data, ≈ 800).</param>
/// <param name="LearningRatePerWidth">The learning rate is this times H (the authors: 0.01·H, for the mean-field output /H).</param>
/// <param name="Batch">SGD batch size (the authors: 8).</param>
/// <param name="Ridge">Penalty λ of λ·Σ_l ‖W_l‖²/(H·L) on the raw conv weights (the authors: 0.01).</param>
/// <param name="EpochsAfterZeroLoss">Epochs trained on after the first epoch with zero training hinge loss (the authors: until 500 times that epoch and zero validation error).</param>
/// <param name="MaxEpochs">Training stops here whatever the loss.</param>
/// <param name="Seed">Seed of the data split, the initialisation, the batch order and the perturbations.</param>
public sealed record ScaleDetection1dOptions(
    int Length = 128,
    int Xi = 32,
    int Task = 2,
    int Gap = 0,
    int Width = 1000,
    int FilterSize = 2,
    int TrainCount = 1024,
    int ValidationCount = 128,
    int Probes = 800,
    double LearningRatePerWidth = 0.01,
    int Batch = 8,
    double Ridge = 0.01,
    int EpochsAfterZeroLoss = 100,
    int MaxEpochs = 1000,
    int Seed = 0)
{
    /// <summary>Every block subsamples by 2 (the authors' idx_strides = every block).</summary>
    public const int Stride = 2;

    /// <summary>Blocks L = log₂ n: the last block leaves one position.</summary>
    public int Blocks => (int)Math.Round(Math.Log2(Length));

    /// <summary>The amplitude √(n/2) of an active site, so that ‖x‖² = n.</summary>
    public double Amplitude => Math.Sqrt(Length / 2.0);

    public double LearningRate => LearningRatePerWidth * Width;

    public ScaleDetection1dOptions Validate()
    {
        void Require(bool ok, string message)
        {
            if (!ok) throw new MyopiaException(message);
        }
        Require(Length >= 4 && (Length & (Length - 1)) == 0, $"--n must be a power of 2 of at least 4 (every block halves the signal), got {Length}");
        Require(Xi >= 2 && Xi < Length, $"--xi must be in 2..{Length - 1}, got {Xi}");
        Require(Task is 1 or 2, $"--task must be 1 or 2, got {Task}");
        Require(Gap >= 0 && (Task == 2 || Gap < Xi), $"--gap must be in 0..xi-1, got {Gap}");
        Require(Width >= 1, $"--width must be at least 1, got {Width}");
        Require(FilterSize >= 2, $"the filter size must be at least the stride 2, got {FilterSize}");
        Require(TrainCount >= 2 && TrainCount % 2 == 0, $"--train must be an even number >= 2, got {TrainCount}");
        Require(ValidationCount >= 0 && ValidationCount % 2 == 0, $"--validation must be an even number >= 0, got {ValidationCount}");
        Require(Probes >= 2 && Probes % 2 == 0, $"--probes must be an even number >= 2, got {Probes}");
        Require(LearningRatePerWidth > 0 && double.IsFinite(LearningRatePerWidth), $"the learning rate per width must be positive, got {LearningRatePerWidth}");
        Require(Batch >= 1, $"--batch must be at least 1, got {Batch}");
        Require(Ridge >= 0 && double.IsFinite(Ridge), $"--ridge must be a number >= 0, got {Ridge}");
        Require(EpochsAfterZeroLoss >= 0, $"--epochs must be >= 0, got {EpochsAfterZeroLoss}");
        Require(MaxEpochs >= 0, $"--max-epochs must be >= 0, got {MaxEpochs}");
        return this;
    }
}

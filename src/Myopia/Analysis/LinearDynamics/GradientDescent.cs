using static TorchSharp.torch;

namespace Myopia.Analysis.LinearDynamics;

/// <summary>
/// Full-batch gradient descent on L = 1/(2P) sum ||y - yhat||^2, no momentum, no weight decay: the
/// discrete form of the gradient flow the theory solves, with tau = 1 / learning rate steps.
/// </summary>
public static class GradientDescent
{
    public static Trajectory Train(ILinearNetwork network, LinearDataset data, DatasetStructure structure, double lr, int steps,
        Action<int, int>? progress = null, Action<int>? snapshot = null)
    {
        if (!(lr > 0)) throw new MyopiaException($"learning rate must be positive, got {lr}");
        if (steps < 1) throw new MyopiaException($"steps must be positive, got {steps}");
        var stepList = new int[steps + 1];
        var loss = new double[steps + 1];
        var modes = new double[steps + 1][];
        for (int t = 0; t <= steps; t++)
        {
            using var scope = NewDisposeScope();
            snapshot?.Invoke(t);
            var output = network.Forward(data.X);
            var residual = output - data.Y;
            var l = residual.square().sum() / (2.0 * data.Samples);
            stepList[t] = t;
            loss[t] = l.item<double>();
            using (no_grad()) modes[t] = structure.ModeStrengths(output, data.X);
            if (!double.IsFinite(loss[t]))
                throw new MyopiaException($"{network.Kind}: loss became {loss[t]} at step {t}; lower the learning rate");
            if (t == steps) break;
            foreach (var p in network.Parameters) p.grad?.zero_();
            l.backward();
            using (no_grad())
                foreach (var p in network.Parameters)
                    p.sub_(p.grad! * lr);
            if (t % 200 == 0) progress?.Invoke(t, steps);
        }
        return new Trajectory(network.Kind, lr, stepList, loss, modes);
    }
}

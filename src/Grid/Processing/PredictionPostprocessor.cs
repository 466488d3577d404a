using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Grid.Processing;

/// <summary>Turns one row of a model's output into a prediction: class index, label, confidence and top-k.</summary>
public sealed class PredictionPostprocessor
{
    private readonly string[] _labels;
    private readonly float? _threshold;
    private readonly int _topK;
    private readonly bool _regression;

    public PredictionPostprocessor(ModelConfig config)
    {
        var post = config.Postprocessing ?? new PostprocessingConfig();
        OutputName = post.Output ?? config.Outputs[0].Name;
        _labels = post.Labels?.ToArray() ?? [];
        _threshold = post.Threshold;
        _topK = Math.Max(1, post.TopK);
        _regression = string.Equals(post.Kind, "regression", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The output tensor this postprocessor reads.</summary>
    public string OutputName { get; }

    /// <summary>Builds the prediction for one output row.</summary>
    public RowPrediction Apply(ReadOnlySpan<float> scores)
    {
        if (_regression || scores.Length == 1)
        {
            return new RowPrediction(scores[0], null, null, null);
        }

        var best = 0;
        for (var i = 1; i < scores.Length; i++)
        {
            if (scores[i] > scores[best])
            {
                best = i;
            }
        }

        if (_threshold is { } threshold && scores.Length == 2)
        {
            best = scores[1] >= threshold ? 1 : 0;
        }

        ClassScore[]? top = null;
        if (_topK > 1)
        {
            var k = Math.Min(_topK, scores.Length);
            top = new ClassScore[k];
            Span<bool> taken = stackalloc bool[scores.Length];
            for (var slot = 0; slot < k; slot++)
            {
                var pick = -1;
                for (var i = 0; i < scores.Length; i++)
                {
                    if (!taken[i] && (pick < 0 || scores[i] > scores[pick]))
                    {
                        pick = i;
                    }
                }

                taken[pick] = true;
                top[slot] = new ClassScore(pick, LabelOf(pick), scores[pick]);
            }
        }

        return new RowPrediction(best, LabelOf(best), scores[best], top);
    }

    private string? LabelOf(int index) => index < _labels.Length ? _labels[index] : null;
}

namespace OrleansInference.ModelTrainer.Training;

/// <summary>Accuracy and ROC AUC of a classifier on a labelled set.</summary>
/// <param name="Accuracy">Fraction of rows whose most probable class is the label.</param>
/// <param name="Auc">ROC AUC; for more than two classes the unweighted mean of one-vs-rest AUCs.</param>
public sealed record ClassificationMetrics(double Accuracy, double Auc)
{
    /// <summary>Evaluates <paramref name="network"/> on scaled <paramref name="rows"/>.</summary>
    public static ClassificationMetrics Evaluate(DenseNetwork network, double[][] rows, int[] labels)
    {
        var probabilities = rows.Select(r => network.PredictProbabilities(r)).ToArray();
        var correct = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            var predicted = Array.IndexOf(probabilities[i], probabilities[i].Max());
            if (predicted == labels[i])
            {
                correct++;
            }
        }

        var classCount = network.OutputCount;
        var auc = classCount == 2
            ? RocAuc(probabilities.Select(p => p[1]).ToArray(), labels.Select(l => l == 1).ToArray())
            : Enumerable.Range(0, classCount)
                .Select(c => RocAuc(probabilities.Select(p => p[c]).ToArray(), labels.Select(l => l == c).ToArray()))
                .Average();
        return new ClassificationMetrics((double)correct / rows.Length, auc);
    }

    /// <summary>Mann–Whitney estimate of the AUC; tied scores count one half.</summary>
    public static double RocAuc(double[] scores, bool[] positive)
    {
        var order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ToArray();
        var ranks = new double[scores.Length];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }

            var rank = ((start + end) / 2.0) + 1.0;
            for (var k = start; k <= end; k++)
            {
                ranks[order[k]] = rank;
            }

            start = end + 1;
        }

        double positives = positive.Count(p => p);
        var negatives = positive.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        var rankSum = Enumerable.Range(0, scores.Length).Where(i => positive[i]).Sum(i => ranks[i]);
        return (rankSum - (positives * (positives + 1) / 2.0)) / (positives * negatives);
    }
}

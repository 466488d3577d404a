using System.Globalization;
using OrleansInference.Contracts.Experiments;
using OrleansInference.Grains.Experiments;

namespace OrleansInference.Grains.Tests.Experiments;

public sealed class AssignmentTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Shares_Over100kUsers_AreWithinOnePointOfTheWeights()
    {
        var table = new AssignmentTable(Info("share", ("control", 50, true), ("b", 30, false), ("c", 20, false)));
        var counts = new Dictionary<string, int>();
        const int users = 100_000;
        for (var i = 0; i < users; i++)
        {
            var variant = table.Assign("user-" + i.ToString(CultureInfo.InvariantCulture)).Variant;
            counts[variant] = counts.GetValueOrDefault(variant) + 1;
        }

        foreach (var (name, weight) in new[] { ("control", 50), ("b", 30), ("c", 20) })
        {
            var share = 100.0 * counts.GetValueOrDefault(name) / users;
            Assert.True(Math.Abs(share - weight) <= 1.0, $"variant '{name}': expected {weight}% ± 1, got {share:F2}%");
        }
    }

    [Fact]
    public void Assignment_IsStickyAcrossIndependentTables()
    {
        var first = new AssignmentTable(Info("sticky", ("control", 50, true), ("b", 50, false)));
        var second = new AssignmentTable(Info("sticky", ("control", 50, true), ("b", 50, false)));

        for (var i = 0; i < 10_000; i++)
        {
            var user = "u" + i.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(first.Assign(user).Variant, second.Assign(user).Variant);
        }
    }

    [Fact]
    public void GrowingCanary_KeepsItsEarlierUsers()
    {
        var at5 = new AssignmentTable(Info("ramp", ("control", 95, true), ("canary", 5, false)));
        var at20 = new AssignmentTable(Info("ramp", ("control", 80, true), ("canary", 20, false)));

        for (var i = 0; i < 20_000; i++)
        {
            var user = "u" + i.ToString(CultureInfo.InvariantCulture);
            if (at5.Assign(user).Variant == "canary")
            {
                Assert.Equal("canary", at20.Assign(user).Variant);
            }
        }
    }

    [Fact]
    public void Overrides_Win_ExceptWhenRolledBack()
    {
        var info = Info("override", ("control", 100, true), ("b", 0, false)) with { Overrides = new Dictionary<string, string> { ["vip"] = "b" } };

        Assert.Equal("b", new AssignmentTable(info).Assign("vip").Variant);
        Assert.Equal("control", new AssignmentTable(info).Assign("someone").Variant);
        Assert.Equal("control", new AssignmentTable(info with { State = ExperimentState.RolledBack }).Assign("vip").Variant);
    }

    [Fact]
    public void RequestsWithoutUser_FollowTheWeights()
    {
        var table = new AssignmentTable(Info("anon", ("control", 90, true), ("b", 10, false)));
        var b = Enumerable.Range(0, 20_000).Count(_ => table.Assign(null).Variant == "b");
        Assert.InRange(b, 1_600, 2_400);
    }

    internal static ExperimentInfo Info(string id, params (string Name, int Weight, bool Baseline)[] variants) => new(
        id, "m", ExperimentState.Running, [.. variants.Select(v => new VariantDefinition(v.Name, "1", v.Weight, v.Baseline))],
        new Dictionary<string, string>(), null, 100, null, 1, Now, Now);
}

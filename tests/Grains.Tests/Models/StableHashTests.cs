using OrleansInference.Grains.Models;
using StableHash = OrleansInference.Grains.Models.StableHash;

namespace OrleansInference.Grains.Tests.Models;

public sealed class StableHashTests
{
    [Fact]
    public void Hash_is_fixed_across_processes()
    {
        // Pinned values: a change here would reassign every user to a different version.
        // Computed independently from the FNV-1a and fmix64 definitions.
        Assert.Equal(0xe661911904a01160UL, StableHash.Hash("a", "b"));
        Assert.Equal(58, StableHash.Bucket("fraud", "user-1", 100));
        Assert.Equal(61, StableHash.Bucket("breast-cancer", "user-42", 100));
        Assert.NotEqual(StableHash.Hash("fraud", "user-1"), StableHash.Hash("fraud", "user-2"));
    }

    [Fact]
    public void Buckets_are_uniform_over_100000_users()
    {
        var counts = new int[100];
        for (var i = 0; i < 100_000; i++)
        {
            counts[StableHash.Bucket("breast-cancer", "user-" + i, 100)]++;
        }

        // Each bucket expects 1000; a 20% band is far outside binomial noise (sd ≈ 31).
        Assert.All(counts, c => Assert.InRange(c, 800, 1200));
    }
}

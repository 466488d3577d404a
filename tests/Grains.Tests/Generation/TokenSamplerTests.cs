using OrleansInference.Grains.Generation;

namespace OrleansInference.Grains.Tests.Generation;

public sealed class TokenSamplerTests
{
    private static readonly float[] Logits = [0.1f, 2.0f, 1.5f, -1f, 0.5f, 1.9f];

    [Fact]
    public void TemperatureZero_PicksTheMostLikelyToken()
    {
        var sampler = new TokenSampler(0f, 0, 1f, seed: 1, Logits.Length);

        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal(1, sampler.Next(Logits)));
    }

    [Fact]
    public void SameSeed_SameDraws_OtherSeed_OtherDraws()
    {
        int[] Draw(long seed)
        {
            var sampler = new TokenSampler(1f, 0, 1f, seed, Logits.Length);
            return [.. Enumerable.Range(0, 64).Select(_ => sampler.Next(Logits))];
        }

        Assert.Equal(Draw(42), Draw(42));
        Assert.NotEqual(Draw(42), Draw(43));
    }

    [Fact]
    public void TopK_OnlyDrawsAmongTheKMostLikely()
    {
        var sampler = new TokenSampler(5f, 2, 1f, seed: 3, Logits.Length);

        var drawn = Enumerable.Range(0, 500).Select(_ => sampler.Next(Logits)).ToHashSet();

        Assert.Equal(new HashSet<int> { 1, 5 }, drawn);
    }

    [Fact]
    public void TopP_OnlyDrawsFromTheNucleus()
    {
        // Probabilities at temperature 1: token 1 holds most of the mass with 5 and 2 after it.
        var sampler = new TokenSampler(1f, 0, 0.5f, seed: 3, Logits.Length);

        var drawn = Enumerable.Range(0, 500).Select(_ => sampler.Next(Logits)).ToHashSet();

        Assert.Subset(new HashSet<int> { 1, 5 }, drawn);
        Assert.DoesNotContain(3, drawn);
    }
}

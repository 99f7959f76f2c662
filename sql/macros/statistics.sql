-- Statistics macros used by the marts (CONTRACT.md section 5):
--   mart_carrier_weekly        breakage CI            -> wilson_low / wilson_high
--   mart_listing_flags         p_value                -> binomial_upper_tail
--                              q_value                -> benjamini_hochberg (table macro)
--   mart_action_effectiveness  p_value                -> two_proportion_p_less -> normal_cdf
--
-- The file is executed as one multi-statement string on every new connection, so every macro is a
-- temp macro (nothing is written to the database file) and a macro is defined before any macro that
-- calls it. models/statistics.ts holds TypeScript reference implementations of the same functions;
-- test/models/statistics.test.ts checks both against reference values and against each other.
--
-- Conventions:
--   * All arithmetic is done in DOUBLE: counts are cast explicitly, because sum() of integers is a
--     HUGEINT and a rate may arrive as a DECIMAL.
--   * NULL in, NULL out. Impossible inputs (negative counts, x > n, p outside [0, 1]) raise an
--     error instead of returning a plausible-looking number: they can only come from a bug upstream,
--     and sqrt()/lgamma() would otherwise fail with a message that names no macro.
--   * Macro arguments are substituted textually and some appear many times in a macro body, so pass
--     columns or cheap expressions; an aggregate such as sum(x) works but is repeated in the plan.
--     Where a large argument would be copied dozens of times, the macro binds it once with
--     list_transform([value], lambda v: ...)[1], DuckDB's closest thing to a local variable.
--
-- Benjamini–Hochberg q-values need the whole set of p-values, so they cannot be a scalar macro; the
-- table macro benjamini_hochberg at the end of the file wraps the window pattern. Inline, the same
-- pattern is (m = number of non-NULL p-values; counting with the default RANGE frame gives tied
-- p-values the largest rank of their group, so the result does not depend on how ties are ordered):
--
--   with ranked as (
--     select *,
--            count(p_value) over () as bh_m,
--            count(p_value) over (order by p_value) as bh_rank  -- RANGE frame: peers included
--     from tested
--   )
--   select *,
--          case when p_value is not null then
--            least(1, min(p_value * bh_m / bh_rank)
--                       over (order by p_value desc nulls last))  -- RANGE frame: all p >= this one
--          end as q_value
--   from ranked
--
-- This is R's p.adjust(p, "BH"): q(i) = min over j >= i of p(j) * m / j, p sorted ascending.


-- wilson_low(x, n), wilson_high(x, n): the 95 % Wilson score interval for x events in n trials, as
-- fractions, NULL when n = 0. With z = 1.959963984540054 (the 0.975 normal quantile),
--   a = x + z²/2,  b = z · sqrt(x(n − x)/n + z²/4),  interval = (a ∓ b) / (n + z²).
-- Why Wilson: unlike the Wald interval it never leaves [0, 1] and stays honest for zero or small
-- counts (a carrier-week with 0 damaged of 40 still gets an upper bound).
-- Numerics: (a − b) cancels when x is small, so the lower bound is computed in the algebraically
-- equal form x² / (n (a + b)) (using a² − b² = x²(n + z²)/n), which is exactly 0 at x = 0; the upper
-- bound is 1 − the lower bound of the complementary count n − x, exactly 1 at x = n. The clamp to
-- [0, 1] only guards rounding.
create or replace temp macro wilson_low(x, n) as (
    case
        when x is null or n is null then null
        when x < 0 or x > n then error('wilson_low: need 0 <= x <= n, got x = ' || x || ', n = ' || n)
        when n = 0 then null
        else greatest(0, least(1,
            cast(x as double) * x / (cast(n as double) * (
                cast(x as double) + 1.959963984540054 * 1.959963984540054 / 2
                + 1.959963984540054 * sqrt(cast(x as double) * (n - x) / n
                                           + 1.959963984540054 * 1.959963984540054 / 4)))))
    end
);

create or replace temp macro wilson_high(x, n) as (
    case
        when x is null or n is null then null
        when x < 0 or x > n then error('wilson_high: need 0 <= x <= n, got x = ' || x || ', n = ' || n)
        when n = 0 then null
        else greatest(0, least(1,
            1 - cast(n - x as double) * (n - x) / (cast(n as double) * (
                cast(n - x as double) + 1.959963984540054 * 1.959963984540054 / 2
                + 1.959963984540054 * sqrt(cast(x as double) * (n - x) / n
                                           + 1.959963984540054 * 1.959963984540054 / 4)))))
    end
);


-- normal_cdf(z): Φ(z) = P(Z <= z) for a standard normal Z.
-- Why this algorithm: DuckDB has no erf/erfc, and p-values come from the lower tail, where the
-- textbook 1 − (upper tail) form loses every digit below 1e-16. This is W. J. Cody's rational
-- Chebyshev approximation (Cody 1969, Math. Comp. 23:631; ACM TOMS Algorithm 715, 1993; the method
-- of R's pnorm), with its published coefficients, in three ranges of y = |z|:
--   y <= 0.67448975          Φ(z) = 1/2 + z · R1(z²)
--   0.67448975 < y <= √32    tail = e^(−y²/2) · R2(y)
--   y > √32                  tail = e^(−y²/2) · (1/√(2π) − R3(1/y²)/y²) / y
-- with Φ(z) = tail for z < 0 and 1 − tail for z > 0. The relative error of the small side is near
-- double precision all the way down to Φ(−37.5) ≈ 1e-307; below that Φ underflows to 0. For an upper
-- tail P(Z > z) use normal_cdf(−z), not 1 − normal_cdf(z).
-- e^(−y²/2) is computed as e^(−s²/2) · e^(−(y − s)(y + s)/2) with s = trunc(16y)/16, whose square is
-- exact, so the rounding of y² (worth ~1e-13 relative at y = 37) does not reach the exponent.
create or replace temp macro normal_cdf_gaussian_factor(y) as (
    exp(-0.5 * (trunc(16 * y) / 16) * (trunc(16 * y) / 16))
    * exp(-0.5 * (y - trunc(16 * y) / 16) * (y + trunc(16 * y) / 16))
);

-- R1 of Cody's central range, as z · R1(z²); s = z².
create or replace temp macro normal_cdf_central(z, s) as (
    z * ((((0.065682337918207449113 * s + 2.2352520354606839287) * s + 161.02823106855587881) * s
          + 1067.6894854603709582) * s + 18154.981253343561249)
      / ((((s + 47.20258190468824187) * s + 976.09855173777669322) * s
          + 10260.932208618978205) * s + 45507.789335026729956)
);

-- Cody's far range, y > √32, as a function of s = 1/y²: (1/√(2π) − s · R3(s)) / y.
create or replace temp macro normal_cdf_far(y, s) as (
    (0.398942280401432677939946059934
     - s * (((((0.02307344176494017303 * s + 0.21589853405795699) * s + 0.1274011611602473639) * s
              + 0.022235277870649807) * s + 0.001421619193227893466) * s + 2.9112874951168792e-5)
         / (((((s + 1.28426009614491121) * s + 0.468238212480865118) * s + 0.0659881378689285515) * s
             + 0.00378239633202758244) * s + 7.29751555083966205e-5))
    / y
);

-- The smaller of Φ(−y) and 1 − Φ(y) for y > 0.67448975: Cody's middle range R2(y) up to √32, then
-- the far range.
create or replace temp macro normal_cdf_tail(y) as (
    normal_cdf_gaussian_factor(y) * case
        when y <= 5.656854249492380195206754896838 then
            ((((((((1.0765576773720192317e-8 * y + 0.39894151208813466764) * y
                   + 8.8831497943883759412) * y + 93.506656132177855979) * y
                 + 597.27027639480026226) * y + 2494.5375852903726711) * y
               + 6848.1904505362823326) * y + 11602.651437647350124) * y
             + 9842.7148383839780218)
            / ((((((((y + 22.266688044328115691) * y + 235.38790178262499861) * y
                    + 1519.377599407554805) * y + 6485.558298266760755) * y
                  + 18615.571640885098091) * y + 34900.952721145977266) * y
                + 38912.003286093271411) * y + 19685.429676859990727)
        else normal_cdf_far(y, 1 / (y * y))
    end
);

create or replace temp macro normal_cdf(z) as (
    case
        when z is null then null
        when isnan(cast(z as double)) then cast(z as double)
        when isinf(cast(z as double)) then case when z > 0 then 1::double else 0::double end
        when abs(cast(z as double)) <= 0.67448975
            then 0.5 + normal_cdf_central(cast(z as double), cast(z as double) * cast(z as double))
        -- tail for z < 0, 1 − tail for z > 0, written with one copy of the tail because every
        -- reference to z expands in full (macro arguments are substituted textually).
        else (case when z > 0 then 1 else 0 end) - sign(cast(z as double)) * normal_cdf_tail(abs(cast(z as double)))
    end
);


-- two_proportion_p_less(x_before, n_before, x_after, n_after): one-sided p-value of the pooled
-- two-proportion z-test of H0: after-rate = before-rate against H1: after-rate < before-rate,
--   p̂ = (x_b + x_a) / (n_b + n_a),  se = sqrt(p̂ (1 − p̂) (1/n_b + 1/n_a)),
--   z = (x_a/n_a − x_b/n_b) / se,    p = Φ(z).
-- Why this test: mart_action_effectiveness asks whether a corrective action lowered an event rate;
-- the pooled standard error is the one implied by H0. It is not R's prop.test, which adds a
-- continuity correction. se = 0 exactly when no period has an event or every exposure is one; the
-- data then show no decrease, so p = 1. "1 when neither period has an event" (the contract) holds
-- even when a period is empty; otherwise an empty period gives NULL: there is nothing to compare.
create or replace temp macro two_proportion_p_less(x_before, n_before, x_after, n_after) as (
    case
        when x_before is null or n_before is null or x_after is null or n_after is null then null
        when x_before < 0 or x_before > n_before or x_after < 0 or x_after > n_after
            then error('two_proportion_p_less: need 0 <= events <= exposures, got '
                       || x_before || '/' || n_before || ' and ' || x_after || '/' || n_after)
        when x_before + x_after = 0 then 1::double
        when n_before = 0 or n_after = 0 then null
        when x_before + x_after = n_before + n_after then 1::double
        -- The z statistic is bound once through a one-element list: passed straight to normal_cdf it
        -- would be copied into each of the ~50 places normal_cdf uses its argument (macro arguments are
        -- substituted textually), which took ~0.15 s to plan and ran 2-4x slower.
        else list_transform(
            [(cast(x_after as double) / n_after - cast(x_before as double) / n_before)
             / sqrt((cast(x_before as double) + x_after) / (cast(n_before as double) + n_after)
                    * (1 - (cast(x_before as double) + x_after) / (cast(n_before as double) + n_after))
                    * (1 / cast(n_before as double) + 1 / cast(n_after as double)))],
            lambda z: normal_cdf(z))[1]
    end
);


-- log1p_accurate(x): ln(1 + x) without losing the digits of a small x (DuckDB has no log1p). With
-- u = 1 + x rounded, ln(u) · x / (u − 1) cancels the rounding of u to first order (Goldberg 1991,
-- "What every computer scientist should know about floating-point arithmetic", Theorem 4).
create or replace temp macro log1p_accurate(x) as (
    case when 1 + cast(x as double) = 1 then cast(x as double)
         else ln(1 + cast(x as double)) * cast(x as double) / ((1 + cast(x as double)) - 1) end
);

-- binomial_log_pmf(i, n, p): ln P(X = i) for X ~ Binomial(n, p), 0 < p < 1, 0 <= i <= n, through
-- lgamma so that n! never overflows. Internal helper of binomial_upper_tail.
create or replace temp macro binomial_log_pmf(i, n, p) as (
    lgamma(cast(n as double) + 1) - lgamma(cast(i as double) + 1) - lgamma(cast(n as double) - i + 1)
    + i * ln(p) + (n - i) * log1p_accurate(-p)
);

-- binomial_upper_tail(k, n, p): exact P(X >= k) for X ~ Binomial(n, p), i.e. R's
-- binom.test(k, n, p, alternative = "greater")$p.value and pbinom(k − 1, n, p, lower.tail = FALSE).
-- Why exact: mart_listing_flags tests a SKU's not-as-described count against its category rate, and
-- counts are small, so a normal approximation would be badly off exactly where flags are decided.
-- Edge cases: 1 when k <= 0 (X >= 0 always), 0 when k > n, then p = 0 gives 0 and p = 1 gives 1.
-- Otherwise, with the mean n·p:
--   k > n·p: the terms P(X = i), i >= k, decrease from i = k (k is at or past the mode), so the sum
--            is taken relative to the first term, exp(ln P(X = k) + ln Σ exp(ln P(X = i) − ln P(X = k))).
--            Every addend is in (0, 1], nothing underflows before the final exp, and tails down to
--            ~1e-300 keep full relative precision.
--   k <= n·p: the answer is at least 1/2 (a binomial median is >= floor(n·p) >= k), so
--            1 − P(X <= k − 1) loses no relative precision and sums the shorter side.
-- Accuracy is bounded by the lgamma differences, about 1e-16 · ln(n!) absolute: ~1e-9 relative at
-- n = 200 000, ~1e-13 at n = 500.
-- How DuckDB runs it: each sum is a correlated subquery over range(), which DuckDB decorrelates into
-- a join against the distinct (k, n, p) triples of the query (a DELIM_JOIN), so identical triples
-- are summed once and the work is spread over threads. Measured on a 2-core machine: 2 000 SKUs with
-- n ≈ 500 (~1 M terms) take 0.1-0.25 s; one row with n = 200 000 takes 0.02-0.07 s. The same sum
-- written with list_transform(range(...), lambda ...) was ~5x slower for the 2 000 SKUs. A decorrelated subquery
-- is computed for every row whatever its CASE branch, so each range is made empty when its branch
-- does not apply: no wasted terms, and no ln(0) for p = 0 or 1. The range column has a name no caller
-- will use, because macro arguments are bound inside the subquery and a caller's column named like it
-- would be captured.
create or replace temp macro binomial_upper_tail(k, n, p) as (
    case
        when k is null or n is null or p is null then null
        when n < 0 or not (p >= 0 and p <= 1)  -- NaN fails too (DuckDB orders it above every number)
            then error('binomial_upper_tail: need n >= 0 and 0 <= p <= 1, got n = ' || n || ', p = ' || p)
        when k <= 0 then 1::double
        when k > n then 0::double
        when p = 0 then 0::double
        when p = 1 then 1::double
        when k > n * cast(p as double) then
            exp(binomial_log_pmf(k, n, cast(p as double)) + ln((
                select sum(exp(binomial_log_pmf(binomial_term_i, n, cast(p as double))
                               - binomial_log_pmf(k, n, cast(p as double))))
                from range(cast(k as bigint),
                           case when k > n * cast(p as double) and p > 0 and p < 1
                                then cast(n as bigint) + 1 else cast(k as bigint) end)
                     as binomial_terms(binomial_term_i))))
        else greatest(0, 1 - (
                select sum(exp(binomial_log_pmf(binomial_term_i, n, cast(p as double))))
                from range(0, case when k <= n * cast(p as double) and k > 0 and p > 0 and p < 1
                                   then cast(k as bigint) else 0 end)
                     as binomial_terms(binomial_term_i)))
    end
);


-- benjamini_hochberg(source, p_col): every row of the table, view or CTE `source` with an added
-- column q_value, the Benjamini–Hochberg adjusted p-value of p_col (R's p.adjust(p, "BH")):
--   q(i) = min(1, min over j >= i of p(j) · m / j), p sorted ascending, m = count of non-NULL p.
-- Rows whose p is NULL are not hypotheses: they are not counted in m and get a NULL q_value. Tied
-- p-values get the same q: the rank is the number of p-values <= this one (RANGE frame, peers
-- included), and the running minimum runs over all p-values >= this one, so no tie-breaking key is
-- needed and the result does not depend on row order. Usage:
--   select * from benjamini_hochberg(tested_skus, p_value)
-- DuckDB does not accept a subquery as the argument; name a table, view or CTE.
create or replace temp macro benjamini_hochberg(source, p_col) as table
    with bh_ranked as (
        select *,
               cast(p_col as double) as bh_p,
               count(p_col) over () as bh_m,
               count(p_col) over (order by p_col range between unbounded preceding and current row) as bh_rank
        from query_table(source)
    )
    select * exclude (bh_p, bh_m, bh_rank),
           case when bh_p is not null then
               least(1, min(bh_p * bh_m / bh_rank)
                          over (order by bh_p desc nulls last
                                range between unbounded preceding and current row))
           end as q_value
    from bh_ranked;

"""Support shared by the tests and the benchmarks (never by the hall server): throwaway database and Redis servers."""

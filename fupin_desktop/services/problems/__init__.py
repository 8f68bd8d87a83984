"""问题清单 and 整改销号: problems and their evidence, 入户排查 surveys, the rectification ledger."""

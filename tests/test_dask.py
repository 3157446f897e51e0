"""The pure scoring function runs per organisation on Dask and agrees with one process."""

from datetime import date

import dask
import dask.dataframe as dd
import pandas as pd
import pytest

from okrkpi import AlignmentTree
from okrkpi.tables import from_frames, scores_frame

AS_OF = date(2026, 8, 15)
ORGANISATIONS = {"acme": 10.0, "globex": 40.0, "initech": 7.0, "umbrella": 3.0}


def tables():
    objectives, key_results, check_ins = [], [], []
    for name, start in ORGANISATIONS.items():
        objectives.append(
            {"organisation": name, "id": "grow", "title": f"Grow {name}", "cycle": "2026-Q3"}
        )
        objectives.append(
            {
                "organisation": name,
                "id": "keep",
                "title": "Keep customers",
                "cycle": "2026-Q3",
                "parent_id": "grow",
            }
        )
        for objective, kr in (("grow", "arr"), ("keep", "churn")):
            key_results.append(
                {
                    "organisation": name,
                    "objective_id": objective,
                    "id": kr,
                    "title": kr,
                    "kind": "metric",
                    "start": start,
                    "target": start * 2,
                }
            )
            for day, factor in ((date(2026, 7, 15), 1.1), (date(2026, 8, 10), 1.3 + start / 100)):
                check_ins.append(
                    {
                        "organisation": name,
                        "objective_id": objective,
                        "key_result_id": kr,
                        "at": day,
                        "value": start * factor,
                    }
                )
    return pd.DataFrame(objectives), pd.DataFrame(key_results), pd.DataFrame(check_ins)


OBJECTIVES, KEY_RESULTS, CHECK_INS = tables()


def score_organisation(rows: pd.DataFrame) -> pd.DataFrame:
    name = rows["organisation"].iloc[0]
    document = from_frames(
        objectives=OBJECTIVES[OBJECTIVES["organisation"] == name],
        key_results=KEY_RESULTS[KEY_RESULTS["organisation"] == name],
        check_ins=rows,
        extra_columns="ignore",  # the organisation column is ours, not okrkpi's
    )
    scores = scores_frame(AlignmentTree(document.objectives), AS_OF)
    return scores.assign(organisation=name)[["organisation", "objective_id", "value", "status"]]


META = pd.DataFrame(
    {
        "organisation": pd.Series(dtype=object),
        "objective_id": pd.Series(dtype=object),
        "value": pd.Series(dtype=float),
        "status": pd.Series(dtype=object),
    }
)


def ordered(frame):
    return (
        frame.reset_index(drop=True)
        .sort_values(["organisation", "objective_id"])
        .reset_index(drop=True)
    )


@pytest.mark.parametrize("scheduler", ["synchronous", "threads"])
def test_scoring_partitioned_by_organisation_on_dask_agrees_with_one_process(scheduler):
    one_process = ordered(
        pd.concat(
            score_organisation(group)
            for _, group in CHECK_INS.assign(key=CHECK_INS["organisation"]).groupby("key")
        )
    )
    # Grouped on a copy of the key: the group column itself is not handed to the function.
    partitioned = dd.from_pandas(CHECK_INS.assign(key=CHECK_INS["organisation"]), npartitions=3)
    with dask.config.set(scheduler=scheduler):
        distributed = partitioned.groupby("key").apply(score_organisation, meta=META).compute()
    distributed = ordered(distributed)
    assert len(distributed) == 2 * len(ORGANISATIONS)
    pd.testing.assert_frame_equal(distributed, one_process, check_dtype=False)
    assert set(distributed["organisation"]) == set(ORGANISATIONS)

//! The exporters' tables and the view filter over the shared test snapshot (test-support).

mod filter {
    use test_support::fixtures::{three_owner_snapshot, T0_NS};
    use whohosts_core::export::filter::*;

    #[test]
    fn no_filter_keeps_everything() {
        let s = three_owner_snapshot();
        assert_eq!(selected_flows(&s, &ViewFilter::default()), vec![0, 1, 2, 3]);
    }

    #[test]
    fn hidden_owners_time_ranges_and_text_narrow_the_flows() {
        let s = three_owner_snapshot();
        let hidden = ViewFilter { hidden_owners: ["AWS".to_string()].into(), ..ViewFilter::default() };
        assert_eq!(selected_flows(&s, &hidden), vec![1, 2, 3]);
        // Flow 3 runs from 20 s to 30 s; [25 s, 26 s) overlaps only it.
        let s25 = T0_NS + 25_000_000_000;
        let range = ViewFilter { time_range: Some((s25, s25 + 1_000_000_000)), ..ViewFilter::default() };
        assert_eq!(selected_flows(&s, &range), vec![3]);
        let text = ViewFilter { text: " ICLOUD ".into(), ..ViewFilter::default() };
        assert_eq!(selected_flows(&s, &text), vec![1]);
        let port = ViewFilter { text: "8443".into(), ..ViewFilter::default() };
        assert_eq!(selected_flows(&s, &port), vec![2]);
        let service = ViewFilter { text: "s3".into(), ..ViewFilter::default() };
        assert_eq!(selected_flows(&s, &service), vec![0]);
    }
}

mod records {
    use test_support::fixtures::three_owner_snapshot;
    use whohosts_core::export::records::*;

    #[test]
    fn rows_add_up_and_providers_come_largest_first() {
        let s = three_owner_snapshot();
        let t = tables(&s, &[0, 1, 2, 3]);
        assert_eq!(t.flows.len(), 4);
        let owners: Vec<&str> = t.providers.iter().map(|p| p.owner.as_str()).collect();
        assert_eq!(owners, ["AWS", "Apple", "Azure", "Unknown"]);
        let flow_bytes: u64 = t.flows.iter().map(|f| f.bytes).sum();
        assert_eq!(flow_bytes, t.endpoints.iter().map(|e| e.bytes).sum::<u64>());
        assert_eq!(flow_bytes, t.providers.iter().map(|p| p.bytes).sum::<u64>());
        assert_eq!(flow_bytes, s.totals.bytes);
        let share: f64 = t.providers.iter().map(|p| p.share).sum();
        assert!((share - 1.0).abs() < 1e-9);
        assert_eq!(t.flows[1].name, "p42-content.icloud.com");
        assert_eq!((t.flows[0].service.as_str(), t.flows[0].region.as_str()), ("S3", "us-east-1"));
    }

    #[test]
    fn only_the_given_flows_count() {
        let s = three_owner_snapshot();
        let t = tables(&s, &[2]);
        assert_eq!(t.providers.len(), 1);
        assert_eq!(t.providers[0].owner, "Azure");
        assert_eq!(t.providers[0].share, 1.0);
        assert_eq!(t.endpoints[0].ip, "13.107.1.1");
    }
}

mod csv {
    use test_support::fixtures::three_owner_snapshot;
    use whohosts_core::export::csv::*;
    use whohosts_core::export::records::tables;
    use whohosts_core::export::records::{FlowRow, ProviderRow};
    use whohosts_core::export::{Overwrite, ViewFilter};

    #[test]
    fn tables_round_trip_through_csv() {
        let dir = tempfile::tempdir().unwrap();
        let s = three_owner_snapshot();
        let files = write_csv_dir(dir.path(), &s, &ViewFilter::default(), Overwrite::Refuse).unwrap();
        assert_eq!(files.len(), 3);
        let mut reader = csv::Reader::from_path(dir.path().join(FLOWS_FILE)).unwrap();
        let flows: Vec<FlowRow> = reader.deserialize().map(Result::unwrap).collect();
        assert_eq!(flows, tables(&s, &[0, 1, 2, 3]).flows);
        let mut reader = csv::Reader::from_path(dir.path().join(PROVIDERS_FILE)).unwrap();
        let providers: Vec<ProviderRow> = reader.deserialize().map(Result::unwrap).collect();
        assert_eq!(providers[0].owner, "AWS");
        let again = write_csv_dir(dir.path(), &s, &ViewFilter::default(), Overwrite::Refuse).unwrap_err();
        assert!(again.to_string().contains("flows.csv"), "{again}");
    }

    #[test]
    fn an_empty_selection_still_has_headers() {
        let mut out = Vec::new();
        write_rows::<ProviderRow>(&mut out, &[]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "owner,service,region,endpoints,flows,packets,bytes,share\n");
    }
}

mod json {
    use test_support::fixtures::three_owner_snapshot;
    use whohosts_core::export::json::*;
    use whohosts_core::export::{Overwrite, ViewFilter};

    #[test]
    fn the_document_round_trips_and_records_the_filter() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        let s = three_owner_snapshot();
        let filter = ViewFilter { hidden_owners: ["Unknown".to_string()].into(), ..ViewFilter::default() };
        write_json(&path, "x.pcap", &s, &filter, Overwrite::Refuse).unwrap();
        let mut back: ExportDocument = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut expected = document("x.pcap", &s, &filter);
        // serde_json parses floats to within one ulp; compare shares apart.
        for (b, e) in back.providers.iter_mut().zip(&mut expected.providers) {
            assert!((b.share - e.share).abs() < 1e-12);
            (b.share, e.share) = (0.0, 0.0);
        }
        assert_eq!(back, expected);
        assert_eq!(back.flows.len(), 3);
        assert_eq!(back.filter.hidden_owners, ["Unknown"]);
        assert_eq!(back.capture.flows, 4);
    }
}

/// One request type for the CLI and the window: tables and frames go where the target says.
mod export_request {
    use test_support::fixtures::three_owner_snapshot;
    use whohosts_core::export::{csv, selected_flows, ExportRequest, ExportTarget, Overwrite, ViewFilter};

    #[test]
    fn tables_go_where_the_target_says_and_refuse_to_replace() {
        let snapshot = three_owner_snapshot();
        let filter = ViewFilter { text: "aws".into(), ..ViewFilter::default() };
        let request = ExportRequest {
            snapshot: &snapshot,
            filter: &filter,
            capture_name: "x.pcap",
            overwrite: Overwrite::Refuse,
        };
        let dir = tempfile::tempdir().unwrap();
        let csv_dir = dir.path().join("csv");
        let written = request.write(&ExportTarget::Csv(csv_dir.clone())).unwrap();
        assert_eq!(
            written.paths(),
            [csv::FLOWS_FILE, csv::ENDPOINTS_FILE, csv::PROVIDERS_FILE].map(|f| csv_dir.join(f))
        );
        let flows_csv = std::fs::read_to_string(csv_dir.join(csv::FLOWS_FILE)).unwrap();
        assert_eq!(flows_csv.lines().count() - 1, selected_flows(&snapshot, &filter).len(), "the filter's flows only");
        let json_path = dir.path().join("t.json");
        assert_eq!(
            request.write(&ExportTarget::Json(json_path.clone())).unwrap().paths(),
            std::slice::from_ref(&json_path)
        );
        let refused = request.write(&ExportTarget::Json(json_path)).unwrap_err();
        assert!(refused.to_string().contains("t.json"), "{refused}");
    }

    #[test]
    fn frames_from_a_missing_capture_name_the_capture() {
        let snapshot = three_owner_snapshot();
        let filter = ViewFilter::default();
        let request =
            ExportRequest { snapshot: &snapshot, filter: &filter, capture_name: "x", overwrite: Overwrite::Refuse };
        let dir = tempfile::tempdir().unwrap();
        let target = ExportTarget::Frames {
            path: dir.path().join("o.pcap"),
            captures: vec!["/no/such/capture.pcap".into()],
            flows: vec![0],
        };
        let err = request.write(&target).unwrap_err();
        assert!(err.to_string().contains("/no/such/capture.pcap"), "{err}");
    }
}

"""The ideal-point model behind tracker.ideal_points: fitting, curvature, classification and cutting lines."""
